import type { Io } from '../output/io.js';
import type { OpResult, OpOutcome } from './execute.js';

/** One self-overwriting status line on stderr, only when stderr is a terminal. */
export class Progress {
  private readonly counts: Record<OpOutcome, number> = { created: 0, updated: 0, unchanged: 0, failed: 0, blocked: 0, skipped: 0, unknown: 0 };
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(private readonly io: Io, private readonly total: number, private readonly dryRun: boolean, tty: boolean = process.stderr.isTTY === true) {
    this.enabled = tty && total > 0;
  }

  update(r: OpResult, done: number): void {
    this.counts[r.outcome]++;
    if (!this.enabled) return;
    const now = Date.now();
    if (done < this.total && now - this.last < 100) return;
    this.last = now;
    const c = this.counts;
    this.io.err(`\r\u001b[K${this.dryRun ? 'dry run ' : ''}${done}/${this.total}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed + c.blocked + c.skipped} not done`);
    this.shown = true;
  }

  finish(): void {
    if (this.shown) this.io.err('\r\u001b[K');
  }
}
