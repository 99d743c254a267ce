// Ad-hoc signing of the macOS executables with rcodesign (the Rust crate apple-codesign), built
// into the cache by tools/krew/build-rcodesign.sh. Apple Silicon runs no arm64 code without a
// signature, and an injected binary's original signature no longer matches; ad-hoc needs no
// certificate (it is what Apple's `codesign --sign -` makes).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCodeSignature } from './macho.ts';
import type { CodeDirectory } from './macho.ts';
import { run } from './run.ts';

const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'build-rcodesign.sh');

/** The rcodesign executable, built on first use (the build's progress goes to stderr). */
export function ensureRcodesign(): string {
  return run('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] }).stdout.trim();
}

/**
 * `rcodesign verify` reports every problem it finds, and for an ad-hoc signature always one: no
 * CMS signature to check (by design: ad-hoc carries none). Any other problem, such as a page
 * whose hash does not match, fails.
 */
export function verifyAdhoc(rcodesign: string, file: string): void {
  const r = spawnSync(rcodesign, ['verify', file], { encoding: 'utf8' });
  if (r.error) throw new Error(`${rcodesign}: ${r.error.message}`);
  const expected = [/^\(the verify command is known to be buggy/, /^CMS error: missing further values/, /^no cryptographic signature/i, /^Error: problems reported during verification$/];
  const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !expected.some((re) => re.test(l)));
  if (problems.length) throw new Error(`rcodesign verify ${file}:\n${problems.join('\n')}`);
}

/** Signs `file` in place, then checks the result with rcodesign and by recomputing its page hashes. */
export function signAdhoc(rcodesign: string, file: string, identifier: string): CodeDirectory[] {
  run(rcodesign, ['sign', '--binary-identifier', identifier, file]);
  verifyAdhoc(rcodesign, file);
  return checkCodeSignature(readFileSync(file));
}
