// Generated issuers in random formatting; the same invariants as the corpus, over many cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, fix } from '../src/index.js';
import { deepEqual } from '../src/fix/verify-fix.js';
import { ParsedFile } from '../src/parse/parsed-file.js';

interface SolverSpec {
  kind: 'ingress' | 'gateway' | 'dns01';
  podTemplate: 'none' | 'empty' | 'metadata' | 'spec' | 'sa';
  selector: boolean;
  flow: boolean;
  comment: boolean;
}

interface Layout {
  indent: 2 | 4;
  seqIndented: boolean;
  crlf: boolean;
  bom: boolean;
  finalNewline: boolean;
  leadingDoc: boolean;
  trailingDoc: boolean;
  anchor: boolean;
  quoted: boolean;
}

const solverArb: fc.Arbitrary<SolverSpec> = fc.record({
  kind: fc.constantFrom('ingress', 'gateway', 'dns01'),
  podTemplate: fc.constantFrom('none', 'empty', 'metadata', 'spec', 'sa'),
  selector: fc.boolean(),
  flow: fc.boolean(),
  comment: fc.boolean(),
});

const layoutArb: fc.Arbitrary<Layout> = fc.record({
  indent: fc.constantFrom(2, 4),
  seqIndented: fc.boolean(),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
  leadingDoc: fc.boolean(),
  trailingDoc: fc.boolean(),
  anchor: fc.boolean(),
  quoted: fc.boolean(),
});

/** The variant mapping's entries as [key, flow text | block lines] */
function variantBody(s: SolverSpec, q: (v: string) => string): Record<string, unknown> {
  const body: Record<string, unknown> = s.kind === 'ingress' ? { class: q('nginx') } : { parentRefs: [{ name: q('gw'), kind: q('Gateway') }] };
  if (s.podTemplate === 'empty') body['podTemplate'] = null;
  if (s.podTemplate === 'metadata') body['podTemplate'] = { metadata: { labels: { team: q('a') } } };
  if (s.podTemplate === 'spec') body['podTemplate'] = { spec: { nodeSelector: { 'kubernetes.io/os': q('linux') } } };
  if (s.podTemplate === 'sa') body['podTemplate'] = { spec: { serviceAccountName: q('existing-sa') } };
  return body;
}

function flowText(v: unknown): string {
  if (v === null) return '{}';
  if (Array.isArray(v)) return `[${v.map(flowText).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}: ${flowText(x)}`).join(', ')}}`;
  return String(v);
}

function blockLines(v: Record<string, unknown>, col: number, L: Layout): string[] {
  const pad = (n: number) => ' '.repeat(n);
  const out: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (x === null) out.push(`${pad(col)}${k}:`);
    else if (Array.isArray(x)) {
      out.push(`${pad(col)}${k}:`);
      const dash = col + (L.seqIndented ? L.indent : 0);
      for (const item of x) {
        const lines = blockLines(item as Record<string, unknown>, dash + 2, L);
        out.push(`${pad(dash)}- ${(lines[0] ?? '').trimStart()}`, ...lines.slice(1));
      }
    } else if (typeof x === 'object') out.push(`${pad(col)}${k}:`, ...blockLines(x as Record<string, unknown>, col + L.indent, L));
    else out.push(`${pad(col)}${k}: ${String(x)}`);
  }
  return out;
}

function render(solvers: SolverSpec[], L: Layout): { text: string; broken: number } {
  const q = (v: string) => (L.quoted ? `"${v}"` : v);
  const i = L.indent;
  const lines = ['apiVersion: cert-manager.io/v1', 'kind: ClusterIssuer', 'metadata:', `${' '.repeat(i)}name: ${q('letsencrypt')}`, 'spec:', `${' '.repeat(i)}acme:`, `${' '.repeat(2 * i)}server: ${q('https://acme-v02.api.letsencrypt.org/directory')}`, `${' '.repeat(2 * i)}privateKeySecretRef:`, `${' '.repeat(3 * i)}name: ${q('key')}`, `${' '.repeat(2 * i)}solvers:`];
  const dash = 2 * i + (L.seqIndented ? i : 0);
  const col = dash + 2;
  let broken = 0;
  let anchored = false;
  solvers.forEach((s, n) => {
    const entry: string[] = [];
    if (s.comment) entry.push(`${' '.repeat(col)}# solver ${n} comment`);
    if (s.selector) entry.push(`${' '.repeat(col)}selector:`, `${' '.repeat(col + i)}dnsZones: [${q('example.com')}]`);
    if (s.kind === 'dns01') {
      entry.push(`${' '.repeat(col)}dns01:`, `${' '.repeat(col + i)}route53:`, `${' '.repeat(col + 2 * i)}region: ${q('eu-west-1')}`);
    } else {
      const key = s.kind === 'ingress' ? 'ingress' : 'gatewayHTTPRoute';
      if (s.podTemplate !== 'sa') broken++;
      const body = variantBody(s, q);
      // The first anchorable solver defines &v; a later identical one may reuse it.
      const useAlias = L.anchor && anchored && s.kind === 'ingress' && s.podTemplate === 'none';
      const defineAnchor = L.anchor && !anchored && s.kind === 'ingress' && s.podTemplate === 'none';
      if (useAlias) entry.push(`${' '.repeat(col)}http01:`, `${' '.repeat(col + i)}${key}: *v`);
      else if (s.flow) entry.push(`${' '.repeat(col)}http01: {${key}: ${defineAnchor ? '&v ' : ''}${flowText(body)}}`);
      else entry.push(`${' '.repeat(col)}http01:`, `${' '.repeat(col + i)}${key}:${defineAnchor ? ' &v' : ''}`, ...blockLines(body, col + 2 * i, L));
      if (defineAnchor) anchored = true;
    }
    const first = entry[0] ?? '';
    lines.push(`${' '.repeat(dash)}- ${first.trimStart()}`, ...entry.slice(1));
  });
  const docs: string[] = [];
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other # unrelated\ndata:\n  k: v';
  if (L.leadingDoc) docs.push(cm);
  docs.push(lines.join('\n'));
  if (L.trailingDoc) docs.push(cm);
  let text = docs.join('\n---\n') + (L.finalNewline ? '\n' : '');
  if (L.crlf) text = text.replace(/\n/g, '\r\n');
  if (L.bom) text = `\ufeff${text}`;
  return { text, broken };
}

const runs = Number(process.env.TAPACME_PROPERTY_RUNS ?? 1000);

describe('generated issuers', () => {
  it(`serviceaccount and dns01 fixes keep every invariant (${runs} cases)`, () => {
    fc.assert(
      fc.property(fc.array(solverArb, { minLength: 1, maxLength: 5 }), layoutArb, (solvers, layout) => {
        const { text, broken } = render(solvers, layout);
        const r = analyze(text, { fileName: 'gen.yaml' });
        expect(r.errors).toEqual([]);
        const missing = r.findings.filter((f) => f.rule === 'http01-solver-missing-service-account');
        expect(missing).toHaveLength(broken);

        for (const options of [{ strategy: 'serviceaccount' as const }, { strategy: 'dns01' as const, dns01: { cloudflare: { apiTokenSecretRef: { name: 'cf', key: 'token' } } } }]) {
          const out = fix(text, r.findings, options);
          const after = analyze(out.text, { fileName: 'gen.yaml' });
          expect(after.errors).toEqual([]);
          expect(after.findings.filter((f) => f.rule === 'http01-solver-missing-service-account')).toEqual([]);
          // Layout survives: BOM, line endings, final newline, comments.
          expect(out.text.startsWith('\ufeff')).toBe(layout.bom);
          if (layout.crlf) expect(out.text.replace(/\r\n/g, '')).not.toContain('\n');
          else expect(out.text).not.toContain('\r');
          expect(/\n$/.test(out.text)).toBe(layout.finalNewline);
          for (const c of text.match(/# [^\r\n]*/g) ?? []) expect(out.text).toContain(c);
          // Exactly the intended objects: the solvers that had findings changed, nothing else.
          const beforeObjs = new ParsedFile('a', text).objects;
          const afterObjs = new ParsedFile('b', out.text).objects;
          expect(afterObjs).toHaveLength(beforeObjs.length);
          beforeObjs.forEach((o, n) => {
            const a = afterObjs[n];
            if (o.kind !== 'ClusterIssuer') return expect(deepEqual(a?.value, o.value)).toBe(true);
            const bs = (o.value['spec'] as { acme: { solvers: Record<string, unknown>[] } }).acme.solvers;
            const as = (a?.value['spec'] as { acme: { solvers: Record<string, unknown>[] } }).acme.solvers;
            bs.forEach((b, k) => {
              const x = as[k] ?? {};
              if (!('http01' in b) || hasSa(b)) return expect(deepEqual(x, b)).toBe(true);
              if (options.strategy === 'dns01') return expect(deepEqual(x, { ...without(b, 'http01'), dns01: options.dns01 })).toBe(true);
              expect(hasSa(x, 'tap-acme-http01-solver')).toBe(true);
            });
            return undefined;
          });
          // Idempotent.
          expect(fix(out.text, after.findings, options).edits).toEqual([]);
        }
      }),
      { numRuns: runs },
    );
  }, 900_000);
});

function hasSa(solver: Record<string, unknown>, name?: string): boolean {
  const http01 = solver['http01'] as Record<string, Record<string, unknown>> | undefined;
  const variant = http01?.['ingress'] ?? http01?.['gatewayHTTPRoute'];
  const sa = ((variant?.['podTemplate'] as Record<string, unknown> | null | undefined)?.['spec'] as Record<string, unknown> | undefined)?.['serviceAccountName'];
  return name === undefined ? typeof sa === 'string' && sa.length > 0 : sa === name;
}

function without(o: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
}
