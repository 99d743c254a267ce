import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

/**
 * A scratch folder under the system's temp folder, removed when the test that made it ends, or, when
 * made at a file's top level, when the file's tests end: the tiers run many times a day and must not
 * leave folders behind.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    onTestFinished(remove);
  } catch {
    // Outside a running test: vitest throws, and the file's own afterAll is the right moment.
    afterAll(remove);
  }
  return dir;
}
