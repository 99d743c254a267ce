import type { Io } from '../output/io.js';
import type { KubeClient } from './client.js';

/** TAPACME_REQUEST_STATS=1: how many requests a command made (the live tests and the benchmark read this line). */
export function printStats(client: KubeClient, io: Io): void {
  if (process.env['TAPACME_REQUEST_STATS'] !== '1') return;
  io.err(`requests: ${client.stats.requests} (${Object.entries(client.stats.byVerb).map(([v, n]) => `${v} ${n}`).join(', ')}), writes: ${client.stats.writes}, credentials: ${client.credentialSource}\n`);
  const t = client.timings;
  if (t) io.err(`timing: ${Object.entries(t).map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(', ')}\n`);
}
