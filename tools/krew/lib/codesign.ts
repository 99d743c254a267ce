// Ad-hoc signing of the macOS executables with rcodesign (the Rust crate apple-codesign), built
// into the cache by tools/krew/build-rcodesign.sh. Apple Silicon runs no arm64 code without a
// signature, and an injected binary's original signature no longer matches; ad-hoc needs no
// certificate (it is what Apple's `codesign --sign -` makes).
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

/** Signs `file` in place, then checks the result with rcodesign and by recomputing its page hashes. */
export function signAdhoc(rcodesign: string, file: string, identifier: string): CodeDirectory[] {
  run(rcodesign, ['sign', '--binary-identifier', identifier, file]);
  run(rcodesign, ['verify', file]);
  return checkCodeSignature(readFileSync(file));
}
