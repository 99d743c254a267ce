// The cache shared with scripts/lib/toolchain.sh and tools/cluster: never inside the clone.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const cacheRoot = (): string =>
  process.env['TAPACME_CACHE'] || join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'tapacme');
