import { describe, expect, it } from 'vitest';
import { ListStreamParser, pageReader } from '../src/cluster/list-stream.js';

const list = {
  kind: 'CertificateList',
  apiVersion: 'cert-manager.io/v1',
  metadata: { continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MTJ9', resourceVersion: '12' },
  items: [
    { metadata: { name: 'a', namespace: 'x', annotations: { note: 'braces } ] { [ and "quotes" and \\ backslash \\"' } }, spec: { dnsNames: ['a.example', 'b.example'] } },
    { metadata: { name: 'b\u00e9\u2603', namespace: 'y' }, spec: { issuerRef: { name: 'i', kind: 'ClusterIssuer' }, empty: {}, list: [[], [{}]] } },
    { metadata: { name: 'c' }, status: { conditions: [{ type: 'Ready', status: 'False', message: 'items":[' }] } },
  ],
};

function read(text: string, chunk: (i: number) => number): { items: unknown[]; rest: unknown } {
  const items: unknown[] = [];
  const p = new ListStreamParser((o) => items.push(o));
  for (let i = 0; i < text.length; ) {
    const n = Math.max(1, chunk(i));
    p.write(text.slice(i, i + n));
    i += n;
  }
  return { items, rest: p.end() };
}

describe('ListStreamParser', () => {
  it('hands on every item and keeps the rest, however the text is cut', () => {
    for (const text of [JSON.stringify(list), JSON.stringify(list, null, 2)]) {
      for (const size of [1, 2, 3, 7, 64, text.length]) {
        const { items, rest } = read(text, () => size);
        expect(items).toEqual(list.items);
        expect(rest).toEqual({ ...list, items: [] });
      }
    }
  });

  it('reads metadata that comes after the items, and an empty list', () => {
    const after = `{"items":${JSON.stringify(list.items)},"metadata":{"resourceVersion":"7"},"kind":"List"}`;
    expect(read(after, () => 5)).toEqual({ items: list.items, rest: { items: [], metadata: { resourceVersion: '7' }, kind: 'List' } });
    expect(read('{"kind":"List","items":[],"metadata":{}}', () => 1)).toEqual({ items: [], rest: { kind: 'List', items: [], metadata: {} } });
  });

  it('refuses a response cut short', () => {
    const text = JSON.stringify(list);
    const p = new ListStreamParser(() => {});
    p.write(text.slice(0, text.length - 40));
    expect(() => p.end()).toThrow(/ended early/);
  });
});

describe('pageReader', () => {
  const page = JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { continue: 'c' }, items: [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a' } }, { metadata: { name: 'b' } }] });

  it('keeps the mapped items of the last attempt only, with the listed kind', () => {
    const r = pageReader('networking.k8s.io/v1', 'Ingress', (o) => `${String(o['kind'])} ${String(o['apiVersion'])} ${String((o['metadata'] as { name: string }).name)}`, true);
    r.stream()(page.slice(0, 150)); // an attempt cut off and sent again
    const write = r.stream();
    write(page.slice(0, 40));
    write(page.slice(40));
    expect(r.end()).toEqual({ items: ['Ingress networking.k8s.io/v1 a', 'Ingress networking.k8s.io/v1 b'], list: { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: { continue: 'c' }, items: [] } });
  });

  it('leaves an item its own kind in the full form', () => {
    const r = pageReader('v1', 'Thing', (o) => String(o['kind']));
    r.stream()(page);
    expect(r.end().items).toEqual(['PartialObjectMetadata', 'Thing']);
  });
});
