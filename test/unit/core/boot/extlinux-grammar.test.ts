/**
 * syntaxes/extlinux.tmLanguage.json tokenised by VS Code's own engine (vscode-textmate with the
 * Oniguruma WASM), on a NixOS fixture. Skipped, saying so, where those dev packages are absent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scopesOf as scopesOfFile, textMateSkip } from '../../../harness/textmate';

const ROOT = join(__dirname, '../../../..');
const GRAMMAR_PATH = join(ROOT, 'syntaxes/extlinux.tmLanguage.json');
const FIXTURE = join(ROOT, 'test/fixtures/boot/extlinux/specialisations-fdtdir.conf');

const scopesOf = (text: string): Promise<Map<string, string>> => scopesOfFile(GRAMMAR_PATH, 'source.extlinux', text);

describe('extlinux TextMate grammar', { skip: textMateSkip }, () => {
  it('names keywords, labels, the DEFAULT reference, numbers, paths, kernel params and comments', async () => {
    const scopes = await scopesOf(readFileSync(FIXTURE, 'utf8'));
    const expect = (text: string, scope: string): void => assert.equal(scopes.get(text), scope, text);
    expect('#', 'punctuation.definition.comment.extlinux');
    expect('DEFAULT', 'keyword.control.default.extlinux');
    expect('nixos-default', 'variable.other.label-reference.extlinux');
    expect('50', 'constant.numeric.integer.extlinux');
    expect('nixos-42-debug', 'entity.name.function.label.extlinux');
    expect('42', 'constant.numeric.generation.extlinux');
    expect('debug', 'entity.name.tag.specialisation.extlinux');
    expect('1970-01-01 00:02', 'constant.other.date.extlinux');
    expect('../nixos/l9r346p3d25vs4g5v37f3r3f28js97kb-linux-6.1.63-dtbs', 'string.unquoted.path.extlinux');
    expect('/nix/store/4lmnzx45iy43kwjqn1xna7z3dj8grrz5-nixos-system-gateway-24.05.20240501.5c24cf2', 'string.unquoted.store-path.extlinux');
    expect('systemd.log_level', 'variable.parameter.kernel.extlinux');
    expect('ttyAMA0,115200n8', 'string.unquoted.value.extlinux');
  });

  it('reads keywords in any case, as u-boot does', async () => {
    const scopes = await scopesOf('label x\n  kernel /k\n  append quiet\n');
    assert.equal(scopes.get('label'), 'keyword.control.label.extlinux');
    assert.equal(scopes.get('kernel'), 'keyword.other.path.extlinux');
    assert.equal(scopes.get('quiet'), 'variable.parameter.kernel.extlinux');
  });
});
