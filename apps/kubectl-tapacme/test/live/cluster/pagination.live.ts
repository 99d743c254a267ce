// The client's paginated list against the real API server: pages of `limit`, and a continue token
// that expires mid-list (etcd compacted under it: the API server answers 410) restarts the list.
// Events are used because the API server keeps no watch cache for them: their continue tokens are
// served from etcd, so compaction really expires them (cached resources serve from a snapshot).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../../src/cluster/client.js';
import type { RequestInfo } from '../../../src/cluster/request-info.js';
import { resolveConfig } from '../../../src/cluster/kubeconfig.js';
import { RESOURCES } from '../../../src/cluster/resources.js';
import { apply, env, id } from './helpers.js';

const NS = `p${id()}`;
const COUNT = 23;

const event = (name: string): string => `apiVersion: v1
kind: Event
metadata: {name: ${name}, namespace: ${NS}}
involvedObject: {kind: Pod, name: cm-acme-http-solver-x, namespace: ${NS}}
type: Warning
reason: Failed
message: test`;

beforeAll(async () => {
  await apply(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}`);
  await apply(Array.from({ length: COUNT }, (_, i) => event(`e-${i}`)).join('\n---\n'));
});

/** etcd's client URL, from the state dir the cluster runs in (its kubeconfig's directory). */
function etcdUrl(): string {
  const endpoints = readFileSync(join(dirname(env('KUBECONFIG')), 'endpoints'), 'utf8');
  const m = /^etcd=(.*)$/m.exec(endpoints);
  if (!m?.[1]) throw new Error(`no etcd endpoint in ${endpoints}`);
  return m[1];
}

/** Compact etcd up to its current revision, synchronously (inside a middleware hook), through etcd's JSON gateway. */
function compactEtcd(): void {
  const url = etcdUrl();
  const post = (path: string, body: object): Record<string, unknown> =>
    JSON.parse(execFileSync('curl', ['-sS', '-X', 'POST', `${url}${path}`, '-d', JSON.stringify(body)], { encoding: 'utf8' })) as Record<string, unknown>;
  const revision = (post('/v3/kv/range', { key: Buffer.from('/').toString('base64') })['header'] as { revision: string }).revision;
  post('/v3/kv/compaction', { revision, physical: true });
}

describe('KubeClient.list on the real API server', () => {
  it('reads every page', async () => {
    const seen: RequestInfo[] = [];
    const client = await KubeClient.connect(resolveConfig({ kubeconfig: env('KUBECONFIG') }), { middleware: [{ pre: (r) => seen.push(r) }] });
    const names = await client.list(RESOURCES.events, { namespace: NS, limit: 5 }, (o) => (o['metadata'] as { name: string }).name);
    client.close();
    expect(names).toHaveLength(COUNT);
    expect(new Set(names).size).toBe(COUNT);
    expect(seen).toHaveLength(Math.ceil(COUNT / 5));
    expect(client.stats.requests).toBe(Math.ceil(COUNT / 5));
  });

  it('starts over when the continue token has expired (410), without duplicates', async () => {
    const statuses: number[] = [];
    let compacted = false;
    let pages = 0;
    const client = await KubeClient.connect(resolveConfig({ kubeconfig: env('KUBECONFIG') }), {
      middleware: [{
        pre: () => {
          // Before the third page: write something (a new revision) and compact etcd past the list's revision.
          if (++pages === 3 && !compacted) {
            execFileSync(env('TAPACME_KUBECTL'), ['--kubeconfig', env('KUBECONFIG'), 'create', '-f', '-'], { input: event('late') });
            compactEtcd();
            compacted = true;
          }
        },
        post: (_r, status) => statuses.push(status),
      }],
    });
    const names = await client.list(RESOURCES.events, { namespace: NS, limit: 5 }, (o) => (o['metadata'] as { name: string }).name);
    client.close();
    expect(statuses).toContain(410);
    expect(statuses.at(-1)).toBe(200);
    // The restarted list sees the object created meanwhile, and each object once.
    expect(names).toHaveLength(COUNT + 1);
    expect(new Set(names).size).toBe(COUNT + 1);
  });
});
