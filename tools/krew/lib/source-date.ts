// The time stamp release artefacts carry: SOURCE_DATE_EPOCH, else the last commit's time, so a
// rebuild of the same commit gives the same bytes.
import { spawnSync } from 'node:child_process';

export function sourceDate(root: string): Date {
  const env = process.env['SOURCE_DATE_EPOCH'];
  if (env) return new Date(Number(env) * 1000);
  const r = spawnSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' });
  const t = Number(r.stdout.trim());
  return new Date((Number.isFinite(t) && t > 0 ? t : 315532800) * 1000);
}
