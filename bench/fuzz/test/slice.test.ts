// The slice of the fuzz run that CI runs: a fixed seed and 500 cases of every target. `pnpm fuzz`
// runs the full 10,000 with a fresh seed.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FuzzTarget } from '../target.js';

const SEED = 20261202;
const CASES = Number(process.env.TAPACME_FUZZ_CASES ?? 500);
const files = readdirSync(new URL('../targets/', import.meta.url)).filter((f) => f.endsWith('.ts'));
const targets = await Promise.all(files.map(async (f) => ((await import(`../targets/${f}`)) as { target: FuzzTarget }).target));

describe('fuzz slice', () => {
  it('has targets', () => {
    expect(targets.map((t) => t.name)).toEqual(expect.arrayContaining(['simple-yaml', 'fix']));
  });

  it.each(targets.map((t) => [t.name, t] as const))(`%s: ${CASES} cases from a fixed seed hold`, (_name, target) => {
    const failures: string[] = [];
    const tally: Record<string, number> = {};
    for (let k = 0; k < CASES; k++) {
      const result = target.run(SEED + k);
      for (const [key, n] of Object.entries(result.tally ?? {})) tally[key] = (tally[key] ?? 0) + n;
      if (result.problems.length > 0) failures.push(`seed ${SEED + k}: ${JSON.stringify(result.input.slice(0, 400))}\n  ${result.problems.slice(0, 3).join('\n  ')}`);
    }
    expect(failures.slice(0, 5)).toEqual([]);
    if (target.name === 'simple-yaml') {
      // The cases mean something only if the reader reads many documents itself and leaves others.
      expect(tally['documents read']).toBeGreaterThan(CASES / 2);
      expect(tally['documents left to yaml']).toBeGreaterThan(CASES / 10);
    }
    if (target.name === 'fix') {
      // Both strategies edit in most cases, ServiceAccounts' pull secrets are fixed too, some inputs are JSON.
      expect(tally['serviceaccount edits']).toBeGreaterThan(CASES);
      expect(tally['dns01 edits']).toBeGreaterThan(CASES);
      expect(tally['pull-secret edits']).toBeGreaterThan(CASES / 10);
      expect(tally['JSON inputs']).toBeGreaterThan(CASES / 20);
    }
  }, 600_000);
});
