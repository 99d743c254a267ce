// Starts the e2e rig (or reuses the running one) and hands its environment to the test workers.
import { execFileSync } from 'node:child_process';
import { E2E_SH } from './rig.js';

export default function setup(): void {
  execFileSync('bash', [E2E_SH, 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const env = JSON.parse(execFileSync('bash', [E2E_SH, 'env', '--json'], { encoding: 'utf8' })) as Record<string, string>;
  Object.assign(process.env, env);
}
