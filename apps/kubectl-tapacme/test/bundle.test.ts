// What each path of the CLI loads, read from esbuild's import graph of the bundle (dist/*.meta.json).
// Modules reached only through import() are initialised only when that import runs, so the static
// closure of an entry is exactly what that path evaluates.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDir } from './helpers/cli.js';

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}

const metaPath = join(appDir, 'dist', 'kubectl-tapacme.meta.json');

function staticClosure(meta: Metafile, root: string): Set<string> {
  const seen = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of meta.inputs[file]?.imports ?? []) if (i.kind !== 'dynamic-import' && !i.external) stack.push(i.path);
  }
  return seen;
}

describe.skipIf(!existsSync(metaPath))('bundle import graph', () => {
  const meta = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as Metafile) : { inputs: {} };

  it('--version and version evaluate nothing but the entry and the version', () => {
    expect([...staticClosure(meta, 'src/main.ts')].sort()).toEqual(['src/main.ts', 'src/version.ts']);
  });

  it('help, parsing, check, fix on files and completion never load @kubernetes/client-node', () => {
    const offline = ['src/cli.ts', 'src/commands/registry.ts', 'src/check/run-check.ts', 'src/fix/run-fix-files.ts', 'src/completion/complete.ts', 'src/completion/scripts.ts'];
    for (const entry of offline) {
      expect(meta.inputs[entry], entry).toBeDefined();
      const heavy = [...staticClosure(meta, entry)].filter((p) => p.includes('@kubernetes/client-node') || p.includes('@kubernetes+client-node'));
      expect(heavy, entry).toEqual([]);
    }
  });

  it('yargs is only loaded once a command is parsed', () => {
    expect([...staticClosure(meta, 'src/completion/complete.ts')].some((p) => p.includes('yargs'))).toBe(false);
    expect([...staticClosure(meta, 'src/cli.ts')].some((p) => p.includes('yargs'))).toBe(true);
  });
});
