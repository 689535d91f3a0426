import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  UBOOT_HALT_MENU_KEY,
  UBootConsoleHelper,
  parseExtlinux,
  printExtlinux,
  setDefaultEntry,
  startBootTest,
  type BootTestOperations,
  type BootTestRequest,
} from '../../../../src/core/boot';
import type { JobOutcome } from '../../../../src/core/jobs';
import { RecordedConsole, oddChunks, splitAtMenu, transcript } from './recorded-console';

const conf = (name: string): string => readFileSync(join(__dirname, '../../../fixtures/boot/qemu', name), 'utf8');
const BEFORE = conf('boot-test-before.conf');
const AFTER = conf('boot-test-after.conf');
/** Recorded: generation 3 (the new default) fails to load, u-boot falls back. */
const DEFAULT_FAILS = transcript('boot-test-default-fails.txt');
/** Recorded: at the menu of the same disk, entry 3 (generation 2) chosen. */
const CHOOSE_PREVIOUS = splitAtMenu(transcript('boot-test-choose-previous.txt'));

/** The board, as recorded transcripts and a file: what each operation would do to a real one. */
class BoardStandIn {
  readonly console = new RecordedConsole();
  readonly helper = new UBootConsoleHelper(this.console);
  readonly log: string[] = [];
  extlinux = BEFORE;
  confirms = false;
  reachable = true;
  /** What the board prints after `reboot` (the new default's boot). */
  rebootOutput: Buffer | undefined = DEFAULT_FAILS;

  constructor() {
    this.console.onWrite = (data) => {
      // u-boot echoes the choice and boots it: the recorded rest after `Enter choice: `.
      if (data === '3\r') setImmediate(() => this.console.push(oddChunks(CHOOSE_PREVIOUS.rest, 11)));
    };
  }

  operations(): BootTestOperations {
    return {
      activate: () => {
        this.log.push('activate');
        this.extlinux = AFTER;
        return Promise.resolve({ generation: 3 });
      },
      reboot: () => {
        this.log.push('reboot');
        const output = this.rebootOutput;
        if (output !== undefined) setImmediate(() => this.console.push(oddChunks(output, 3)));
        return Promise.resolve();
      },
      confirm: () => Promise.resolve(this.confirms),
      powerCycle: () => {
        this.log.push('powerCycle');
        setImmediate(() => this.console.push(oddChunks(CHOOSE_PREVIOUS.menu, 13)));
        return Promise.resolve();
      },
      isReachable: () => Promise.resolve(this.reachable),
      readExtlinux: () => Promise.resolve(this.extlinux),
      writeExtlinux: (text) => {
        this.log.push('writeExtlinux');
        this.extlinux = text;
        return Promise.resolve();
      },
    };
  }

  request(overrides: Partial<BootTestRequest> = {}): BootTestRequest {
    return { device: 'pi', previousGeneration: 2, operations: this.operations(), console: this.helper, confirmTimeoutMs: 5_000, rescueTimeoutMs: 5_000, reachableTimeoutMs: 5_000, ...overrides };
  }
}

function failure<R>(outcome: JobOutcome<R>): { code: string; message: string } {
  assert.equal(outcome.status, 'failed', 'a boot test that fell back must not succeed');
  assert.ok(outcome.status === 'failed');
  return { code: outcome.error.code, message: outcome.error.message };
}

const RESTORED = printExtlinux(setDefaultEntry(parseExtlinux(AFTER), 'nixos-2-default'));

describe('Boot test', () => {
  it('succeeds when the new system confirms, and changes nothing else', async () => {
    const board = new BoardStandIn();
    board.confirms = true;
    board.rebootOutput = undefined;
    const result = await startBootTest(board.request()).result();
    assert.deepEqual(result, { generation: 3, confirmedBy: 'ssh' });
    assert.deepEqual(board.log, ['activate', 'reboot']);
    assert.equal(board.extlinux, AFTER);
  });

  it('succeeds on the console marker', async () => {
    const board = new BoardStandIn();
    board.rebootOutput = Buffer.from('[    0.000000] Booting Linux on physical CPU 0x0\r\n<<< Welcome to NixOS 24.05.20240510.4a81b7c (armv7l) - ttyAMA0 >>>\r\n');
    const result = await startBootTest(board.request({ consoleMarker: /<<< Welcome to NixOS/ })).result();
    assert.equal(result.confirmedBy, 'console');
  });

  it('when u-boot cannot start the new kernel: power-cycles, chooses the previous entry and restores the previous default', async () => {
    const board = new BoardStandIn();
    const job = startBootTest(board.request());
    const phases: string[] = [];
    job.onEvent((event) => {
      if (event.kind === 'phase') phases.push(event.phase);
    });
    const { code, message } = failure(await job.done);
    assert.equal(code, 'DEPLOY_ROLLED_BACK');
    assert.match(message, /went on to entry 2.*power-cycled and generation 2 chosen.*DEFAULT nixos-2-default.*profile still points at generation 3/);
    assert.deepEqual(board.log, ['activate', 'reboot', 'powerCycle', 'writeExtlinux']);
    assert.deepEqual(board.console.writes, [UBOOT_HALT_MENU_KEY, '3\r'], 'entry 3 is generation 2 in this menu');
    assert.equal(board.extlinux, RESTORED);
    assert.match(board.extlinux, /^DEFAULT nixos-2-default$/m);
    assert.deepEqual(phases, ['checking-menu', 'activating', 'rebooting', 'waiting-for-confirmation', 'power-cycling', 'choosing-previous', 'waiting-for-board', 'restoring-default']);
  });

  it('falls back the same way when the confirmation never comes within the timeout', async () => {
    const board = new BoardStandIn();
    board.rebootOutput = Buffer.from('Starting kernel ...\r\n\r\n');
    const { code, message } = failure(await startBootTest(board.request({ confirmTimeoutMs: 150 })).done);
    assert.equal(code, 'DEPLOY_ROLLED_BACK');
    assert.match(message, /did not confirm generation 3 within 0 s/);
    assert.equal(board.extlinux, RESTORED);
  });

  it('says the default is still the failing generation when the board does not come back', async () => {
    const board = new BoardStandIn();
    board.reachable = false;
    const { code, message } = failure(await startBootTest(board.request({ reachableTimeoutMs: 100 })).done);
    assert.equal(code, 'DEPLOY_ROLLED_BACK');
    assert.match(message, /did not answer over SSH.*still defaults to generation 3.*Set Boot Default/);
    assert.equal(board.extlinux, AFTER);
  });

  it('refuses before activating when the menu has no entry for the previous generation', async () => {
    const board = new BoardStandIn();
    const { code, message } = failure(await startBootTest(board.request({ previousGeneration: 9 })).done);
    assert.equal(code, 'NOT_FOUND');
    assert.match(message, /generation 9.*Nothing was changed/);
    assert.deepEqual(board.log, []);
  });

  it('refuses before activating when u-boot shows no menu', async () => {
    const board = new BoardStandIn();
    board.extlinux = BEFORE.replace(/^MENU TITLE .*\n/m, '');
    const { code } = failure(await startBootTest(board.request()).done);
    assert.equal(code, 'UNSUPPORTED');
    assert.deepEqual(board.log, []);
  });

  it('lets the menu time out to the new default: a pick handler is not asked during the reboot', async () => {
    const board = new BoardStandIn();
    let asked = 0;
    board.helper.onMenu(() => {
      asked += 1;
      return Promise.resolve(undefined);
    });
    failure(await startBootTest(board.request()).done);
    assert.equal(asked, 0);
  });
});
