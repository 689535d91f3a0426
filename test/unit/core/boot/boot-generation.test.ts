import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  UBOOT_HALT_MENU_KEY,
  UBootConsoleHelper,
  parseExtlinux,
  startBootGeneration,
  type BootGenerationOperations,
  type PowerCycleRequest,
} from '../../../../src/core/boot';
import { DevicesError } from '../../../../src/core/errors';
import { RecordedConsole, oddChunks, splitAtMenu, transcript } from './recorded-console';

const OUT_OF_ORDER_CONF = parseExtlinux(readFileSync(join(__dirname, '../../../fixtures/boot/qemu/extlinux-out-of-order.conf'), 'utf8'));
const OUT_OF_ORDER = splitAtMenu(transcript('menu-pick-out-of-order.txt'));

interface Calls {
  readonly log: string[];
  readonly powerCycles: PowerCycleRequest[];
}

function operations(reachable: boolean, calls: Calls, onPowerCycle: () => Promise<void> = () => Promise.resolve()): BootGenerationOperations {
  return {
    isReachable: () => {
      calls.log.push('isReachable');
      return Promise.resolve(reachable);
    },
    setNextBoot: (generation) => {
      calls.log.push(`setNextBoot ${String(generation)}`);
      return Promise.resolve();
    },
    reboot: () => {
      calls.log.push('reboot');
      return Promise.resolve();
    },
    powerCycle: (request) => {
      calls.powerCycles.push(request);
      calls.log.push('powerCycle');
      return onPowerCycle();
    },
  };
}

describe('Boot generation N', () => {
  it('sets the next boot and reboots over SSH when the device answers', async () => {
    const calls: Calls = { log: [], powerCycles: [] };
    const job = startBootGeneration({ device: 'pi', generation: 2, operations: operations(true, calls) });
    assert.deepEqual(await job.result(), { via: 'ssh', generation: 2 });
    assert.deepEqual(calls.log, ['isReachable', 'setNextBoot 2', 'reboot']);
  });

  it('refuses upfront, before asking for a power cycle, when the menu last read lacks the generation', async () => {
    const calls: Calls = { log: [], powerCycles: [] };
    const console = new RecordedConsole();
    const job = startBootGeneration({ device: 'pi', generation: 7, operations: operations(false, calls), console: new UBootConsoleHelper(console), extlinuxMenu: OUT_OF_ORDER_CONF });
    const outcome = await job.done;
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.error.code, 'NOT_FOUND');
    assert.match(outcome.error.message, /extlinux\.conf as last read over SSH.*configuration 7.*generations 1, 3, 2/);
    assert.deepEqual(calls.powerCycles, []);
  });

  it('uses the console\'s last menu when no extlinux.conf was read', async () => {
    const calls: Calls = { log: [], powerCycles: [] };
    const console = new RecordedConsole();
    const helper = new UBootConsoleHelper(console);
    console.push(transcript('menu-pick-out-of-order.txt'));
    const outcome = await startBootGeneration({ device: 'pi', generation: 5, operations: operations(false, calls), console: helper }).done;
    assert.ok(outcome.status === 'failed');
    assert.match(outcome.error.message, /boot menu last seen on its console/);
    assert.deepEqual(calls.powerCycles, []);
  });

  it('rescues over the console: asks for a power cycle, halts the menu and chooses generation 2 by label', async () => {
    const calls: Calls = { log: [], powerCycles: [] };
    const console = new RecordedConsole();
    const helper = new UBootConsoleHelper(console);
    // The board stand-in: power-cycled, it prints the recorded boot in odd chunks; typed keys get the recorded answer.
    console.onWrite = (data) => {
      if (data === '4\r') setImmediate(() => console.push(oddChunks(OUT_OF_ORDER.rest, 5)));
    };
    const job = startBootGeneration({
      device: 'pi',
      generation: 2,
      operations: operations(false, calls, () => {
        setImmediate(() => console.push(oddChunks(OUT_OF_ORDER.menu, 9)));
        return Promise.resolve();
      }),
      console: helper,
      extlinuxMenu: OUT_OF_ORDER_CONF,
    });
    const phases: string[] = [];
    job.onEvent((event) => {
      if (event.kind === 'phase') phases.push(event.phase);
    });
    const result = await job.result();
    assert.ok(result.via === 'console');
    assert.equal(result.entry.number, 4);
    assert.equal(result.entry.nixos?.generation, 2);
    assert.deepEqual(result.knowledge, { source: 'extlinux', listed: true, generations: [1, 3, 2] });
    assert.deepEqual(console.writes, [UBOOT_HALT_MENU_KEY, '4\r']);
    assert.deepEqual(phases, ['checking-device', 'checking-menu', 'waiting-for-power-cycle', 'choosing-entry']);
    assert.match(calls.powerCycles[0]?.message ?? '', /Power-cycle pi now.*configuration 2/);
  });

  it('ends cancelled when the user cancels the power-cycle prompt, and types nothing after', async () => {
    const calls: Calls = { log: [], powerCycles: [] };
    const console = new RecordedConsole();
    const helper = new UBootConsoleHelper(console);
    const job = startBootGeneration({
      device: 'pi',
      generation: 2,
      operations: operations(false, calls, () => Promise.reject(new DevicesError('CANCELLED', 'The power-cycle prompt was dismissed.'))),
      console: helper,
    });
    const outcome = await job.done;
    assert.equal(outcome.status, 'cancelled');
    console.push(OUT_OF_ORDER.menu);
    assert.deepEqual(console.writes, [], 'the armed choice was withdrawn');
  });

  it('says a serial console is needed when the device does not answer and none is open', async () => {
    const calls: Calls = { log: [], powerCycles: [] };
    const outcome = await startBootGeneration({ device: 'pi', generation: 2, operations: operations(false, calls) }).done;
    assert.ok(outcome.status === 'failed');
    assert.equal(outcome.error.code, 'DEVICE_UNREACHABLE');
    assert.match(outcome.error.message, /pi does not answer over SSH.*serial console/);
  });

  it('stops waiting for the menu when the job is cancelled', async () => {
    const calls: Calls = { log: [], powerCycles: [] };
    const console = new RecordedConsole();
    const job = startBootGeneration({ device: 'pi', generation: 2, operations: operations(false, calls, () => new Promise(() => undefined)), console: new UBootConsoleHelper(console) });
    job.onEvent((event) => {
      if (event.kind === 'phase' && event.phase === 'waiting-for-power-cycle') job.cancel();
    });
    const outcome = await job.done;
    assert.equal(outcome.status, 'cancelled');
    console.push(OUT_OF_ORDER.menu);
    assert.deepEqual(console.writes, []);
  });
});
