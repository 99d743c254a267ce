// One client's share of the API server. A 429 (API Priority and Fairness rejected the request, or a
// rate limit) means the server is saturated, not that one request was unlucky: every request then
// waits out the Retry-After together, and the number in flight halves; each answer that is not a 429
// raises it again by one, up to the bound the user chose (additive increase, multiplicative decrease).

export class Throttle {
  private resumeAt = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Requests allowed in flight now (between 1 and max). */
  limit: number;
  /** 429 answers seen, and the lowest limit they brought it to (for the stats line). */
  rejections = 0;
  lowest: number;

  constructor(private readonly max: number) {
    this.limit = Math.max(1, max);
    this.lowest = this.limit;
  }

  /** Wait for a slot and for any pause the server asked for. */
  async acquire(): Promise<void> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    for (let wait = this.resumeAt - Date.now(); wait > 0; wait = this.resumeAt - Date.now()) await sleep(wait);
  }

  /** Give the slot back; `rejected`: the answer was a 429 that will wait `delayMs` before it is sent again. */
  release(rejected: boolean, delayMs = 0): void {
    if (rejected) {
      this.rejections++;
      this.limit = Math.max(1, Math.floor(this.limit / 2));
      this.lowest = Math.min(this.lowest, this.limit);
      this.resumeAt = Math.max(this.resumeAt, Date.now() + delayMs);
    } else if (this.limit < this.max) {
      this.limit++;
    }
    // Hand the slot on only while under the limit: after a halving, slots drain until in flight fits.
    const next = this.active <= this.limit ? this.waiting.shift() : undefined;
    if (next) next();
    else this.active--;
    while (this.active < this.limit && this.waiting.length > 0) {
      this.active++;
      (this.waiting.shift() as () => void)();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
