// The incremental analyser must answer exactly what analyze answers, for any stream and any edit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, coverChange, IncrementalAnalyzer } from '../src/index.js';
import type { ChangedRange } from '../src/index.js';
import { splitDocuments } from '../src/service/incremental/split-documents.js';

// TAPACME_FC_SCALE=10 searches ten times as many cases (run it after changing the splitter).
const SCALE = Number(process.env['TAPACME_FC_SCALE'] ?? '1');

const issuer = (name: string, ns: string | undefined, kind: 'ClusterIssuer' | 'Issuer', solver: string): string =>
  `apiVersion: cert-manager.io/v1
kind: ${kind}
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: key
    solvers:
${solver}`;

const SOLVERS = [
  '    - http01:\n        ingress:\n          class: contour\n',
  '    - http01:\n        ingress:\n          class: nginx\n          podTemplate:\n            spec:\n              serviceAccountName: tap-acme-http01-solver\n',
  '    - http01:\n        ingress:\n          ingressClassName: Bad/Name\n          podTemplate:\n            spec:\n              imagePullSecrets: [regcred]\n',
  '    - dns01:\n        cloudflare:\n          apiTokenSecretRef: {name: cf, key: token}\n',
  '    - dns01:\n        webhook: {}\n',
  '    - http01: {gatewayHTTPRoute: {parentRefs: [{name: gw}]}}\n',
  '    - selector: {dnsNames: ["a.example.com"]}\n      http01:\n        ingress: {}\n',
];

/** Documents and fragments that stress the splitter: markers, comments, broken YAML, templates, lists. */
const fragmentArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('le', 'tap', 'corp'), fc.constantFrom(undefined, 'team-a', 'team-b'), fc.constantFrom('ClusterIssuer' as const, 'Issuer' as const), fc.constantFrom(...SOLVERS)).map(([n, ns, k, s]) => issuer(n, ns, k, s)) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('team-a', 'team-b', ''), fc.constantFrom('le', 'tap'), fc.constantFrom('ClusterIssuer', 'Issuer')).map(([ns, n, k]) => `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n${ns ? `  namespace: ${ns}\n` : ''}spec:\n  secretName: web-tls\n  issuerRef:\n    name: ${n}\n    kind: ${k}\n`) },
  { weight: 2, arbitrary: fc.constantFrom('team-a', 'team-b').map((ns) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: ${ns}\nimagePullSecrets:\n- name: registry-credentials\n`) },
  { weight: 1, arbitrary: fc.constant(`apiVersion: v1\nkind: List\nitems:\n- ${issuer('in-list', undefined, 'ClusterIssuer', SOLVERS[0] as string).replace(/\n(?=.)/g, '\n  ')}`) },
  { weight: 1, arbitrary: fc.constant(`apiVersion: cert-manager.io/v1alpha2\nkind: ClusterIssuer\nmetadata: {name: old}\nspec: {acme: {solvers: [{http01: {ingress: {class: x}}}]}}\n`) },
  { weight: 1, arbitrary: fc.constant('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '---\n', '--- # next\n', '---\n---\n', '...\n', '... # end\n', '# just a comment\n', '\n', '--- |\n  block\n', '--- !!map\n',
      'a: "unclosed\n', "b: 'unclosed\n", 'c: [1,\n', 'd: {x: 1\n', 'e: "closed"\n', "f: 'it''s'\n", '  indented: "q\n',
      'g: {{ .Values.x }}\n', 'h: "{{ not a template }}"\n', 'x: &a {k: v}\ny: *a\n', 'x: *missing\n', '%YAML 1.2\n',
      'key: value\n', '- item\n', '? complex\n: value\n', '---a\n', '....\n', 'v: #@ data.values.x\n', '\t\tbad: tab\n',
    ),
  },
);

const streamArb: fc.Arbitrary<string> = fc
  .tuple(fc.array(fragmentArb, { minLength: 0, maxLength: 12 }), fc.array(fc.constantFrom('---\n', '', '---\n', '...\n'), { minLength: 12, maxLength: 12 }), fc.boolean(), fc.boolean(), fc.boolean())
  .map(([frags, seps, crlf, bom, dropFinalNewline]) => {
    let t = frags.map((f, i) => (i > 0 ? (seps[i] ?? '') : '') + f).join('');
    if (dropFinalNewline) t = t.replace(/\n$/, '');
    if (crlf) t = t.replace(/\n/g, '\r\n');
    return bom ? `\ufeff${t}` : t;
  });

const editArb = fc.record({ at: fc.nat(), del: fc.nat({ max: 6 }), insert: fc.constantFrom('', 'x', ' ', '\n', '-', '---\n', '"', "'", ':', '#', '{', '}', 'dns01', '\n...\n', '{{') });

function applyEdit(text: string, e: { at: number; del: number; insert: string }): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  return text.slice(0, at) + e.insert + text.slice(at + e.del);
}

function expectSame(inc: IncrementalAnalyzer, text: string, settings?: Parameters<typeof analyze>[1]['settings']): void {
  const want = analyze(text, { fileName: inc.fileName, ...(settings ? { settings } : {}) });
  const got = inc.analyze(text);
  expect(got).toEqual(want);
}

describe('splitDocuments', () => {
  it('starts a piece at every --- line and ends one after every ... line', () => {
    const t = 'a: 1\n---\nb: 2\n...\nc: 3\n--- # x\n---a: no\n';
    const b = splitDocuments(t);
    expect(b.map((o) => t.slice(o, o + 4))).toEqual(['a: 1', '---\n', 'c: 3', '--- ', '']);
    expect(b[b.length - 1]).toBe(t.length);
  });

  it('keeps a stream with a directive in one piece', () => {
    expect(splitDocuments('%YAML 1.2\n---\na: 1\n---\nb: 2\n')).toEqual([0, 28]);
  });

  it('answers [0, 0] for an empty text', () => {
    expect(splitDocuments('')).toEqual([0, 0]);
  });
});

describe('IncrementalAnalyzer', () => {
  it('equals analyze on generated streams', () => {
    fc.assert(
      fc.property(streamArb, (text) => {
        expectSame(new IncrementalAnalyzer({ fileName: 'gen.yaml' }), text);
      }),
      { numRuns: 200 * SCALE },
    );
  }, 900_000 * SCALE);

  it('equals analyze after every edit of a sequence, reusing its cache', () => {
    fc.assert(
      fc.property(streamArb, fc.array(editArb, { minLength: 1, maxLength: 8 }), (text, edits) => {
        const inc = new IncrementalAnalyzer({ fileName: 'edit.yaml' });
        expectSame(inc, text);
        let t = text;
        for (const e of edits) {
          t = applyEdit(t, e);
          expectSame(inc, t);
        }
      }),
      { numRuns: 100 * SCALE },
    );
  }, 900_000 * SCALE);

  it('equals analyze after every edit of a well-formed stream, where it cuts only around the edit', () => {
    const clean = fc.oneof(
      { weight: 8, arbitrary: fragmentArb.filter((f) => !/["'{%\t]|\[1,|\?|\*|#@|---a|\.\.\.\.|--- [|!]/.test(f)) },
      { weight: 2, arbitrary: fc.constantFrom('---\n', '...\n', '# note\n', '\n') },
    );
    const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 4 }), insert: fc.constantFrom('', 'x', ' ', '\n', '---\n', '\n---\n', '\n...\n', '#', '# ', '.', '-', 'name: y\n') });
    let local = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(clean, fc.constantFrom('---\n', '...\n')), { minLength: 1, maxLength: 12 }), fc.array(edit, { minLength: 1, maxLength: 10 }), (frags, edits) => {
        // A document after `...` may start without `---`: such a boundary moves when the `...` line is edited.
        let t = frags.map(([f, sep], i) => (i > 0 ? sep : '') + f).join('');
        const inc = new IncrementalAnalyzer({ fileName: 'clean.yaml' });
        expectSame(inc, t);
        for (const e of edits) {
          t = applyEdit(t, e);
          expectSame(inc, t);
          if (inc.lastRun.parsed <= 3 && inc.lastRun.pieces > 4) local++;
        }
      }),
      { numRuns: 150 * SCALE },
    );
    // The property speaks of the local path only if edits took it.
    expect(local).toBeGreaterThan(100);
  }, 900_000 * SCALE);

  it('equals analyze when told where the edits since the last run were, as the editor tells it', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.array(editArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), (text, batches) => {
        const inc = new IncrementalAnalyzer({ fileName: 'hint.yaml' });
        expectSame(inc, text);
        let t = text;
        for (const batch of batches) {
          // Several edits between two runs (typing faster than the debounce), folded into one range.
          let covered: ChangedRange | undefined;
          for (const e of batch) {
            const at = t.length === 0 ? 0 : e.at % (t.length + 1);
            const del = Math.min(e.del, t.length - at);
            t = t.slice(0, at) + e.insert + t.slice(at + del);
            covered = coverChange(covered, at, del, e.insert.length);
          }
          expect(inc.analyze(t, covered)).toEqual(analyze(t, { fileName: 'hint.yaml' }));
        }
      }),
      { numRuns: 150 * SCALE },
    );
  }, 900_000 * SCALE);

  it('does not trust a change range that does not fit the texts, and finds the edit itself', () => {
    const text = [issuer('a', undefined, 'ClusterIssuer', SOLVERS[0] as string), issuer('b', undefined, 'ClusterIssuer', SOLVERS[1] as string)].join('---\n');
    const inc = new IncrementalAnalyzer({ fileName: 'w.yaml' });
    expectSame(inc, text);
    const edited = text.replace('name: b\n', 'name: bb\n');
    // Claims one character was removed at the start, though the text grew by one in its second document.
    expect(inc.analyze(edited, { start: 0, oldEnd: 1, newEnd: 0 })).toEqual(analyze(edited, { fileName: 'w.yaml' }));
    expect(inc.lastRun.parsed).toBe(1);
  });

  it('folds edits into a range that covers exactly what changed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 5 }), insert: fc.string({ maxLength: 4 }) }), { minLength: 1, maxLength: 5 }), (text, edits) => {
        let t = text;
        let covered: ChangedRange | undefined;
        for (const e of edits) {
          const at = e.at % (t.length + 1);
          const del = Math.min(e.del, t.length - at);
          t = t.slice(0, at) + e.insert + t.slice(at + del);
          covered = coverChange(covered, at, del, e.insert.length);
        }
        const c = covered as ChangedRange;
        // Outside the covered range both texts are the same.
        expect(t.slice(0, c.start)).toBe(text.slice(0, c.start));
        expect(t.slice(c.newEnd)).toBe(text.slice(c.oldEnd));
        expect(c.newEnd - c.oldEnd).toBe(t.length - text.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('equals analyze with rule settings, and after the settings change', () => {
    const text = `${issuer('a', undefined, 'ClusterIssuer', SOLVERS[0] as string)}---\n${issuer('b', undefined, 'ClusterIssuer', SOLVERS[2] as string)}`;
    const inc = new IncrementalAnalyzer({ fileName: 's.yaml', settings: { rules: { 'invalid-solver': 'off' } } });
    expectSame(inc, text, { rules: { 'invalid-solver': 'off' } });
    const severities = { rules: { 'http01-solver-missing-service-account': 'info', 'solver-pull-secrets-need-cert-manager-1.12': 'off' } } as const;
    inc.setSettings(severities);
    expectSame(inc, text, severities);
    // The API server stops at the schema error (a pull secret written as a string), so the webhook's ingressClassName check is not reached.
    expect(inc.analyze(text).findings.map((f) => [f.rule, f.severity])).toEqual([
      ['http01-solver-missing-service-account', 'info'],
      ['invalid-solver', 'error'],
    ]);
  });

  it('parses only the edited document after a one-character edit', () => {
    const docs = Array.from({ length: 50 }, (_, i) => issuer(`i${i}`, undefined, 'ClusterIssuer', SOLVERS[i % 2] as string));
    const text = docs.join('---\n');
    const inc = new IncrementalAnalyzer({ fileName: 'big.yaml' });
    inc.analyze(text);
    expect(inc.lastRun).toEqual({ pieces: 50, parsed: 50 });
    const edited = text.replace('name: i24\n', 'name: i24x\n');
    const r = inc.analyze(edited);
    expect(inc.lastRun).toEqual({ pieces: 50, parsed: 1 });
    // i0..i23 alternate 13- and 16-line documents, each followed by a --- line.
    expect(r.findings.find((f) => f.object.name === 'i24x')?.range?.start).toMatchObject({ line: 12 * 13 + 12 * 16 + 24 + 10, character: 6 });
    expect(r).toEqual(analyze(edited, { fileName: 'big.yaml' }));
  });

  it('reports the cross-document rule when a ServiceAccount document changes', () => {
    const sa = (ns: string): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: ${ns}\nimagePullSecrets:\n- name: registry-credentials\n`;
    const cert = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: team-b\nspec:\n  secretName: s\n  issuerRef:\n    name: le\n    kind: ClusterIssuer\n';
    const text = [issuer('le', undefined, 'ClusterIssuer', SOLVERS[1] as string), sa('team-b'), cert].join('---\n');
    const inc = new IncrementalAnalyzer({ fileName: 'x.yaml' });
    expect(inc.analyze(text).findings).toEqual([]);
    const moved = text.replace('namespace: team-b\nimagePullSecrets', 'namespace: team-a\nimagePullSecrets');
    const r = inc.analyze(moved);
    expect(inc.lastRun.parsed).toBe(1);
    expect(r.findings.map((f) => [f.rule, f.rule === 'service-account-missing-in-namespace' ? f.data.namespace : undefined])).toEqual([['service-account-missing-in-namespace', 'team-b']]);
    expect(r).toEqual(analyze(moved, { fileName: 'x.yaml' }));
  });

  it('moves a cross-document finding when a comment is added above it in its document', () => {
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: team-a\n';
    const cert = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: team-b\nspec:\n  secretName: s\n  issuerRef:\n    name: le\n    kind: ClusterIssuer\n';
    const text = [issuer('le', undefined, 'ClusterIssuer', SOLVERS[1] as string), sa, cert].join('---\n');
    const inc = new IncrementalAnalyzer({ fileName: 'c.yaml' });
    const before = inc.analyze(text).findings[0]?.range?.start.line;
    const commented = text.replace('  issuerRef:\n', '  # which issuer\n  issuerRef:\n');
    const r = inc.analyze(commented);
    expect(r.findings.map((f) => f.rule)).toEqual(['service-account-missing-in-namespace']);
    expect(r.findings[0]?.range?.start.line).toBe((before ?? 0) + 1);
    expect(r).toEqual(analyze(commented, { fileName: 'c.yaml' }));
  });

  it('keeps cross-document findings in place when an edit adds an empty document before them', () => {
    const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: team-a\n';
    const cert = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: team-b\nspec:\n  secretName: s\n  issuerRef:\n    name: le\n    kind: ClusterIssuer\n';
    const text = [issuer('le', undefined, 'ClusterIssuer', SOLVERS[1] as string), sa, cert].join('---\n');
    const inc = new IncrementalAnalyzer({ fileName: 'e.yaml' });
    expectSame(inc, text);
    // The ServiceAccount's document keeps its objects; the Certificate's document index moves by one.
    // Typed at the end of the ServiceAccount's document, so the edited pieces end before the Certificate's.
    const at = text.indexOf('---\napiVersion: cert-manager.io/v1\nkind: Certificate') - 1;
    const typed = '\n---\n# nothing here';
    const edited = text.slice(0, at) + typed + text.slice(at);
    const r = inc.analyze(edited, coverChange(undefined, at, 0, typed.length));
    expect(r).toEqual(analyze(edited, { fileName: 'e.yaml' }));
    expect(r.findings.map((f) => [f.rule, f.docIndex])).toEqual([['service-account-missing-in-namespace', 3]]);
  });

  it('checks again only the issuer an edit renamed, and answers as analyze does', () => {
    const sa = (ns: string): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: tap-acme-http01-solver\n  namespace: ${ns}\nimagePullSecrets:\n- name: registry-credentials\n`;
    const cert = (ns: string, issuerName: string): string =>
      `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  secretName: s\n  issuerRef:\n    name: ${issuerName}\n    kind: ClusterIssuer\n`;
    const docs = [sa('team-a')];
    // Twelve issuers, each with Certificates in a namespace without the ServiceAccount: more groups than one edit touches.
    for (let i = 0; i < 12; i++) docs.push(issuer(`is${i}`, undefined, 'ClusterIssuer', SOLVERS[1] as string), cert(`team-${i}`, `is${i}`), cert('team-a', `is${i}`));
    let text = docs.join('---\n');
    const inc = new IncrementalAnalyzer({ fileName: 'g.yaml' });
    expectSame(inc, text);
    expect(inc.analyze(text).findings).toHaveLength(12);
    const rename = (from: string, to: string): void => {
      const at = text.indexOf(`  name: ${from}\n`) + '  name: '.length;
      text = text.slice(0, at) + to + text.slice(at + from.length);
      const r = inc.analyze(text, coverChange(undefined, at, from.length, to.length));
      expect(r).toEqual(analyze(text, { fileName: 'g.yaml' }));
    };
    rename('is5', 'is5x');
    expect(inc.analyze(text).findings).toHaveLength(11);
    rename('is5x', 'is5');
    expect(inc.analyze(text).findings).toHaveLength(12);
    // Two issuers named is5 now: each reports team-5; team-7's Certificate names an issuer no longer there.
    rename('is7', 'is5');
    expect(inc.analyze(text).findings.filter((f) => f.rule === 'service-account-missing-in-namespace').filter((f) => f.data.issuer === 'ClusterIssuer/is5').map((f) => f.data.namespace)).toEqual(['team-5', 'team-5']);
    expect(inc.analyze(text).findings).toHaveLength(12);
  });

  it('keeps the findings before an edit and moves those after it, without placing them again', () => {
    const docs = Array.from({ length: 9 }, (_, i) => issuer(`is${i}`, undefined, 'ClusterIssuer', SOLVERS[0] as string));
    let text = docs.join('---\n');
    const inc = new IncrementalAnalyzer({ fileName: 'm.yaml' });
    const before = inc.analyze(text).findings;
    expect(before).toHaveLength(9);
    // A new line in the fifth issuer's name key: the findings after it are one line and two characters on.
    const at = text.indexOf('  name: is4\n');
    text = `${text.slice(0, at)}  #\n${text.slice(at)}`;
    const after = inc.analyze(text, coverChange(undefined, at, 0, 4)).findings;
    expect(after).toEqual(analyze(text, { fileName: 'm.yaml' }).findings);
    for (let i = 0; i < 4; i++) expect(after[i]).toBe(before[i]);
    for (let i = 5; i < 9; i++) {
      expect(after[i]).not.toBe(before[i]);
      expect(after[i]?.range?.start.line).toBe((before[i]?.range?.start.line ?? 0) + 1);
      expect(after[i]?.range?.start.offset).toBe((before[i]?.range?.start.offset ?? 0) + 4);
    }
  });

  it('parses the rest of the stream together after an unclosed quote, as analyze does', () => {
    const text = `a: "open\n---\n${issuer('le', undefined, 'ClusterIssuer', SOLVERS[0] as string)}---\nb: "close"\n---\n${issuer('tap', undefined, 'ClusterIssuer', SOLVERS[0] as string)}`;
    const inc = new IncrementalAnalyzer({ fileName: 'q.yaml' });
    expectSame(inc, text);
    expect(inc.lastRun.pieces).toBeLessThan(splitDocuments(text).length - 1);
  });

  it('reports a template marker alone, at its line in the whole file', () => {
    const text = `${issuer('le', undefined, 'ClusterIssuer', SOLVERS[0] as string)}---\nname: {{ .Values.name }}\n`;
    const r = new IncrementalAnalyzer({ fileName: 't.yaml' }).analyze(text);
    expect(r.findings).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.message).toContain('at line 15');
    expect(r).toEqual(analyze(text, { fileName: 't.yaml' }));
  });

  it('places a document that parses but cannot become a value (an alias bomb) at its line, as analyze does', () => {
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 6; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    const bomb = `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: bomb}\n${levels.join('\n')}\n`;
    const text = `${issuer('le', undefined, 'ClusterIssuer', SOLVERS[0] as string)}---\n${bomb}---\n${issuer('tap', undefined, 'ClusterIssuer', SOLVERS[0] as string)}`;
    const r = new IncrementalAnalyzer({ fileName: 'b.yaml' }).analyze(text);
    expect(r.errors.map((e) => [e.code, e.line])).toEqual([['conversion', 14]]);
    expect(r).toEqual(analyze(text, { fileName: 'b.yaml' }));
  });

  it('keeps no more pieces than the last text has', () => {
    const inc = new IncrementalAnalyzer({ fileName: 'x.yaml' });
    inc.analyze('a: 1\n---\nb: 2\n---\nc: 3\n');
    inc.analyze('z: 1\n');
    expect(inc.lastRun).toEqual({ pieces: 1, parsed: 1 });
    inc.analyze('a: 1\n');
    expect(inc.lastRun.parsed).toBe(1);
  });
});
