import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/cli.js';

const VERSION = (await import('../package.json', { with: { type: 'json' } })).default.version;
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

interface Container { image: string; securityContext: Record<string, unknown> }
interface Deployment { spec: { template: { spec: { securityContext: Record<string, unknown>; containers: Container[]; volumes?: unknown[] } } } }

async function printed(...extra: string[]): Promise<{ code: number; stderr: string; deployment?: Deployment }> {
  const r = await run(['watch', '--print-deployment', '--pull-secret-source', 'placeholder', ...extra]);
  if (r.code !== 0) return { code: r.code, stderr: r.stderr };
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string });
  return { code: r.code, stderr: r.stderr, deployment: docs.find((d) => d.kind === 'Deployment') as unknown as Deployment };
}

describe('watch --print-deployment: the image', () => {
  it('defaults to the release tag of the published repository', async () => {
    const r = await printed();
    expect(r.code).toBe(0);
    expect(r.deployment?.spec.template.spec.containers[0]?.image).toBe(`ghcr.io/tapacme/kubectl-tapacme:${VERSION}`);
  });

  it.each([
    ['a tag', 'registry.example.com:5000/tap/kubectl-tapacme:0.1.0', 'registry.example.com:5000/tap/kubectl-tapacme:0.1.0'],
    ['a digest', `registry.example.com/tap/kubectl-tapacme@${DIGEST}`, `registry.example.com/tap/kubectl-tapacme@${DIGEST}`],
    ['a tag and a digest', `registry.example.com/tap/kubectl-tapacme:0.1.0@${DIGEST}`, `registry.example.com/tap/kubectl-tapacme:0.1.0@${DIGEST}`],
    ['a bare digest (the published repository)', DIGEST, `ghcr.io/tapacme/kubectl-tapacme@${DIGEST}`],
  ])('--image with %s', async (_what, flag, image) => {
    const r = await printed('--image', flag);
    expect(r.code).toBe(0);
    expect(r.deployment?.spec.template.spec.containers[0]?.image).toBe(image);
  });

  it.each([
    ['no tag or digest', 'registry.example.com/tap/kubectl-tapacme', /names no tag or digest/],
    ['upper case in the path', 'registry.example.com/Tap/kubectl-tapacme:1', /is not an image reference/],
    ['a short digest', 'registry.example.com/tap/kubectl-tapacme@sha256:abc', /is not an image reference/],
    ['a blank', 'registry.example.com/tap/kubectl tapacme:1', /is not an image reference/],
  ])('refuses --image with %s (exit 2, says what to give)', async (_what, flag, message) => {
    const r = await printed('--image', flag);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/give \S+/);
  });
});

describe('watch --print-deployment: what the image must allow', () => {
  it('runs as the image user 65532, not root, on a read-only root filesystem without privilege escalation', async () => {
    const r = await printed();
    const spec = r.deployment?.spec.template.spec;
    expect(spec?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532 });
    expect(spec?.containers[0]?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // Nothing writable is mounted: the watch must need no file system of its own.
    expect(spec?.volumes ?? []).toEqual([]);
  });
});
