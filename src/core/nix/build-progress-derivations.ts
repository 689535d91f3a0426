/**
 * The derivations a BuildProgress knows, with a count per state kept as states change (so
 * counting is O(1) per event) and a cap: beyond it the oldest successfully built derivations are
 * dropped and only counted, so a NixOS-sized build keeps bounded memory.
 */
import { derivationName, type DerivationState } from './build-progress-model';

export interface MutableDerivation {
  drvPath: string;
  name: string;
  state: DerivationState;
  phase?: string;
  machine?: string;
  startedAt?: number;
  finishedAt?: number;
  logTail: string[];
  error?: string;
}

export class DerivationTable {
  private readonly byPath = new Map<string, MutableDerivation>();
  private readonly counts: Record<DerivationState, number> = { planned: 0, running: 0, done: 0, failed: 0, interrupted: 0 };
  /** Successful derivations dropped by the cap, still counted as done. */
  private evictedDone = 0;

  constructor(private readonly max: number) {}

  get(drvPath: string): MutableDerivation | undefined {
    return this.byPath.get(drvPath);
  }

  /** The derivation, added as planned when new. */
  ensure(drvPath: string): MutableDerivation {
    let drv = this.byPath.get(drvPath);
    if (drv === undefined) {
      drv = { drvPath, name: derivationName(drvPath), state: 'planned', logTail: [] };
      this.counts.planned++;
      this.byPath.set(drvPath, drv);
      if (this.byPath.size > this.max) this.evictOneDone();
    }
    return drv;
  }

  setState(drv: MutableDerivation, state: DerivationState): void {
    this.counts[drv.state]--;
    this.counts[state]++;
    drv.state = state;
  }

  count(state: DerivationState): number {
    return this.counts[state] + (state === 'done' ? this.evictedDone : 0);
  }

  values(): IterableIterator<MutableDerivation> {
    return this.byPath.values();
  }

  private evictOneDone(): void {
    for (const [path, drv] of this.byPath) {
      if (drv.state === 'done') {
        this.byPath.delete(path);
        this.evictedDone++;
        this.counts.done--;
        return;
      }
    }
  }
}
