// The plugin as users run it: `kubectl tapacme ...` through the real kubectl, found on PATH.
import { symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, apply, controllerDeployment, env, id, run } from './helpers.js';
import { tempDir } from '../../helpers/temp-dir.js';

const bin = tempDir('tapacme-plugin-');
const PATH = [bin, dirname(process.execPath), dirname(env('TAPACME_KUBECTL')), '/usr/bin', '/bin'].join(':');
const kubectl = (args: string[]): ReturnType<typeof run> => run(env('TAPACME_KUBECTL'), args, { env: { PATH, KUBECONFIG: env('KUBECONFIG') } });
const CI = `plugin-${id()}`;

beforeAll(async () => {
  symlinkSync(CLI, join(bin, 'kubectl-tapacme'));
  await apply(`${controllerDeployment()}---
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata: {name: ${CI}}
spec: {acme: {server: https://acme.example/dir, privateKeySecretRef: {name: k}, solvers: [{http01: {ingress: {}}}]}}
`);
});

describe('kubectl tapacme', () => {
  it('is listed by kubectl plugin list', async () => {
    const r = await kubectl(['plugin', 'list']);
    expect(r.stdout).toContain(join(bin, 'kubectl-tapacme'));
  });

  it('scans the cluster of KUBECONFIG, through kubectl', async () => {
    const r = await kubectl(['tapacme', 'scan']);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`ClusterIssuer ${CI}  needs a fix`);
    expect(r.stdout).toMatch(/Fix with `kubectl tapacme fix`/);
  });

  it('takes kubectl\'s flags and calls itself "kubectl tapacme" in help', async () => {
    const r = await kubectl(['tapacme', 'scan', '-o', 'json', '--request-timeout=30s', '--kubeconfig', env('KUBECONFIG')]);
    expect(JSON.parse(r.stdout)).toHaveProperty('issuers');
    const help = await kubectl(['tapacme', 'scan', '--help']);
    expect(help.stdout).toContain('kubectl tapacme scan [-o text|json|yaml|html]');
  });

  it('reports a missing context the way kubectl would', async () => {
    const r = await kubectl(['tapacme', 'scan', '--context', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: context "nope" does not exist in .*kubeconfig \(contexts: tapacme-admin\)/);
  });
});
