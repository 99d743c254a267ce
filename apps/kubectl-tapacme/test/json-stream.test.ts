import { describe, expect, it } from 'vitest';
import { writeJson, writeJsonDrained } from '../src/output/json-stream.js';

const written = (value: unknown): { text: string; pieces: number } => {
  const pieces: string[] = [];
  writeJson(value, (t) => pieces.push(t));
  return { text: pieces.join(''), pieces: pieces.length };
};

describe('writeJson', () => {
  it('writes what JSON.stringify(value, null, 2) writes, byte for byte', () => {
    const values: unknown[] = [
      { issuers: [], findings: [{}], summary: { a: 1 } },
      { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol('s'), 1], d: null, e: { f: { g: { h: { i: [1, { j: 'k\nl' }] } } } } },
      { date: new Date(0), nested: [[[[['deep', { x: 'multi\nline "quoted" \u2603' }]]]]], empty: { o: {}, a: [] } },
      [1, 'two', [3, [4, [5, [6]]]], { seven: 7 }],
      'a string',
      42,
      null,
    ];
    for (const v of values) expect(written(v).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
  });

  it('writes a large document in pieces, never as one string', () => {
    const doc = { issuers: Array.from({ length: 200 }, (_, i) => ({ name: `issuer-${i}`, namespaces: Array.from({ length: 50 }, (__, n) => ({ name: `ns-${i}-${n}`, evidence: [{ via: 'issuerRef', kind: 'Certificate', name: 'cert-0' }] })) })) };
    const { text, pieces } = written(doc);
    expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(text.length).toBeGreaterThan(2_000_000);
    expect(pieces).toBeGreaterThan(text.length / (128 * 1024));
  });

  it('refuses a value that has no JSON form', () => {
    expect(() => written(undefined)).toThrow(/no JSON form/);
  });
});

describe('writeJsonDrained', () => {
  it('waits for the stream after each piece and writes the same text', async () => {
    const doc = { issuers: Array.from({ length: 100 }, (_, i) => ({ name: `issuer-${i}`, namespaces: Array.from({ length: 50 }, (__, n) => ({ name: `ns-${n}`, note: 'x'.repeat(100) })) })), findings: [], summary: { issuers: 100 } };
    const pieces: string[] = [];
    let waits = 0;
    await writeJsonDrained(doc, (t) => pieces.push(t), async () => {
      waits++;
    });
    expect(pieces.join('')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(waits).toBe(pieces.length);
    expect(pieces.length).toBeGreaterThan(5);
  });
});
