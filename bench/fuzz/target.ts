/** One kind of differential check: each case is generated from its own seed, so any case can be run again alone. */
export interface FuzzTarget {
  name: string;
  /** One line on what a case generates and what it must hold. */
  description: string;
  run(seed: number): FuzzCase;
}

export interface FuzzCase {
  /** What does not hold; empty when the case passes. */
  problems: string[];
  /** The generated input, shown with a failure. */
  input: string;
  /** Counts to sum over a run (for example, how many documents a fast path read itself), to show the cases mean something. */
  tally?: Record<string, number>;
}
