/**
 * syntaxes/serial-log.tmLanguage.json (saved serial console logs) tokenised by VS Code's own
 * engine on a session that goes from u-boot through the kernel and systemd to the login prompt.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scopesOf, textMateSkip } from '../../harness/textmate';

const ROOT = join(__dirname, '../../..');
const GRAMMAR_PATH = join(ROOT, 'syntaxes/serial-log.tmLanguage.json');
const FIXTURE = join(ROOT, 'test/fixtures/serial/console-session.serial.log');
const SCOPE = 'text.log.serial-console';

describe('serial console log TextMate grammar', { skip: textMateSkip }, () => {
  it('colours u-boot, kernel, systemd and login lines, and dims our timestamps', async () => {
    const scopes = await scopesOf(GRAMMAR_PATH, SCOPE, readFileSync(FIXTURE, 'utf8'));
    const expect = (text: string, scope: string): void => assert.equal(scopes.get(text), `${scope}.serial-console`, text);
    expect('[2026-11-25T12:00:00.100Z] ', 'comment.line.timestamp');
    expect('U-Boot 2023.01+dfsg-2+deb12u3 (Jun 22 2026 - 08:38:07 +0000)', 'markup.heading.banner.uboot');
    expect('Hit any key to stop autoboot:  0 ', 'keyword.control.autoboot.uboot');
    expect('Retrieving file: ', 'keyword.other.retrieving.uboot');
    expect('/boot/extlinux/extlinux.conf', 'string.unquoted.path.uboot');
    expect('2', 'constant.numeric.menu-number.uboot');
    expect('Configuration 41 (2026-11-24 10:00 - 25.05)', 'entity.name.function.menu-entry.uboot');
    expect('Enter choice: ', 'keyword.control.choice.uboot');
    expect('Bad magic!', 'invalid.illegal.error.uboot');
    expect('=> ', 'keyword.operator.prompt.uboot');
    expect('[    1.234567]', 'constant.numeric.time.kernel');
    expect('error', 'invalid.illegal.error.kernel');
    expect('WARNING', 'markup.changed.warning.kernel');
    expect('[  OK  ]', 'markup.inserted.ok.systemd');
    expect('[FAILED]', 'invalid.illegal.failed.systemd');
    expect('vulpix login: ', 'keyword.control.login');
  });

  it('dims raw ANSI escapes kept in the log, leaving the text between them coloured', async () => {
    const scopes = await scopesOf(GRAMMAR_PATH, SCOPE, '\x1b[0;32m[  OK  ]\x1b[0m Reached target multi-user.target.');
    assert.equal(scopes.get('\x1b[0;32m'), 'comment.other.ansi-escape.serial-console');
    assert.equal(scopes.get('[  OK  ]'), 'markup.inserted.ok.systemd.serial-console');
    assert.equal(scopes.get('Reached target'), 'keyword.other.action.systemd.serial-console');
  });
});
