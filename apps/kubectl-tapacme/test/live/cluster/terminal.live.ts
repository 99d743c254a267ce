// fix on a terminal: it shows the plan and asks, and draws a progress line while it writes.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, SA, apply, controllerDeployment, env, getJson, id } from './helpers.js';

const run = id();
const CI = `tty-${run}`;
const NS = [`y${run}-a`, `y${run}-b`, `y${run}-c`];

beforeAll(async () => {
  await apply([
    controllerDeployment(),
    ...NS.map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}`),
    `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: ${CI}}\nspec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {}}}]}}`,
    ...NS.map((n) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c, namespace: ${n}}\nspec: {secretName: c-tls, dnsNames: [c.example.com], issuerRef: {name: ${CI}, kind: ClusterIssuer}}`),
  ].join('\n---\n'));
});

/** Run the CLI in a pseudo-terminal (util-linux script), typing `input`. */
function inTerminal(args: string[], input: string): { code: number; out: string } {
  const line = [process.execPath, CLI, ...args, '--kubeconfig', env('KUBECONFIG')].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('script', ['-qec', line, '/dev/null'], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' }, timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout };
}

describe('fix on a terminal', () => {
  it('asks before writing, and "no" changes nothing', () => {
    const r = inTerminal(['fix', CI, '--pull-secret-source', 'placeholder'], 'n\n');
    expect(r.out).toContain(`Plan (serviceaccount) for ClusterIssuer/${CI}:`);
    expect(r.out).toMatch(/Apply 7 changes to context "tapacme-admin"\? \[y\/N\]/);
    expect(r.out).toContain('Nothing was changed.');
    expect(r.code).toBe(0);
  });

  it('"yes" applies, with a progress line redrawn in place', async () => {
    expect(await getJson('serviceaccount', SA, NS[0])).toBeUndefined();
    const r = inTerminal(['fix', CI, '--pull-secret-source', 'placeholder'], 'y\n');
    expect(r.code).toBe(0);
    // "\r ESC[K" returns to the line start and clears it before each redraw.
    expect(r.out).toContain('\r\u001b[K');
    expect(r.out).toMatch(/\d+\/7 \(\d+%\)(, \d+\/s)?(, ETA \S+)?: \d+ created, \d+ updated, \d+ unchanged, \d+ not done/);
    expect(r.out).toMatch(/7\/7 \(100%\)(, \d+\/s)?: 6 created, 1 updated, 0 unchanged, 0 not done/);
    expect(r.out).toMatch(/ServiceAccounts: 3 created, 0 updated, 0 unchanged, 0 failed/);
    for (const n of NS) expect(await getJson('serviceaccount', SA, n)).toBeDefined();
  });
});
