// The globalSetup hands tests a live cluster: these checks use only what it provides.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import type {} from '../vitest-global-setup.ts';

const exec = promisify(execFile);
const cluster = inject('tapacmeCluster');

function kubectl(kubeconfig: string, ...args: string[]) {
  return exec(cluster.kubectl, ['--kubeconfig', kubeconfig, ...args]);
}

describe('test cluster from vitest-global-setup', () => {
  it('exports the same paths through inject and process.env', () => {
    expect(process.env.KUBECONFIG).toBe(cluster.kubeconfig);
    expect(process.env.TAPACME_KUBECONFIG_LIMITED).toBe(cluster.kubeconfigLimited);
    expect(process.env.TAPACME_KUBECTL).toBe(cluster.kubectl);
    expect(cluster.certManagerVersion).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('is a ready API server with the cert-manager CRDs', async () => {
    expect((await kubectl(cluster.kubeconfig, 'get', '--raw', '/readyz')).stdout).toBe('ok');
    const { stdout } = await kubectl(cluster.kubeconfig, 'get', 'crd', 'clusterissuers.cert-manager.io', '-o', 'name');
    expect(stdout.trim()).toBe('customresourcedefinition.apiextensions.k8s.io/clusterissuers.cert-manager.io');
  });

  it('gives the limited identity 403 on secrets', async () => {
    await expect(kubectl(cluster.kubeconfigLimited, 'get', 'secrets', '-n', 'default')).rejects.toThrow(
      /Forbidden.*User "tapacme-limited" cannot list resource "secrets"/s,
    );
  });
});
