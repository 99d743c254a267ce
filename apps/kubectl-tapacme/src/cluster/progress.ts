import type { Io } from '../output/io.js';
import type { OpResult, OpOutcome } from './execute.js';

/**
 * One self-overwriting status line on stderr, only when stderr is a terminal (as kubectl and apt do):
 * done of total, the rate over the last seconds and the time left at that rate.
 */
export class Progress {
  private readonly counts: Record<OpOutcome, number> = { created: 0, updated: 0, unchanged: 0, failed: 0, blocked: 0, skipped: 0, unknown: 0 };
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;
  /** (time, done) samples of the last few seconds, for a rate that follows throttling rather than the whole run's average. */
  private readonly samples: [number, number][] = [];

  constructor(private readonly io: Io, private readonly total: number, private readonly dryRun: boolean, tty: boolean = process.stderr.isTTY === true, private readonly now: () => number = Date.now) {
    this.enabled = tty && total > 0;
  }

  update(r: OpResult, done: number): void {
    this.counts[r.outcome]++;
    if (!this.enabled) return;
    const now = this.now();
    if (this.samples.length === 0) this.samples.push([now, 0]);
    if (done < this.total && now - this.last < 100) return;
    this.last = now;
    this.samples.push([now, done]);
    while (this.samples.length > 2 && now - (this.samples[1] as [number, number])[0] > 5000) this.samples.shift();
    this.io.err(`\r\u001b[K${this.line(done, now)}`);
    this.shown = true;
  }

  /** "1200/10200 (12%), 850/s, ETA 11s: 1200 created, 0 updated, 0 unchanged, 0 not done" */
  line(done: number, now: number): string {
    const c = this.counts;
    const [t0, d0] = this.samples[0] ?? [now, 0];
    const rate = now > t0 ? ((done - d0) * 1000) / (now - t0) : 0;
    const eta = rate > 0 && done < this.total ? `, ETA ${formatSeconds((this.total - done) / rate)}` : '';
    const pct = Math.floor((done * 100) / this.total);
    return `${this.dryRun ? 'dry run ' : ''}${done}/${this.total} (${pct}%)${rate > 0 ? `, ${rate.toFixed(0)}/s` : ''}${eta}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed + c.blocked + c.skipped + c.unknown} not done`;
  }

  finish(): void {
    if (this.shown) this.io.err('\r\u001b[K');
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
