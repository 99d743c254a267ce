// `fix` of both strategies on generated issuers embedded in generated streams. Whenever the input
// reads, each fix must give a text that reads, make only the edits the edit policy allows (the
// serviceaccount strategy inserts, or replaces a null or empty value; dns01 replaces an http01
// entry), leave every other document byte for byte, fix what it does not report as skipped, and
// change nothing when run again on its own result.
import { analyze, fixAll, resolveSettings } from '../../../packages/core/src/index.js';
import type { FixAllOptions } from '../../../packages/core/src/index.js';
import { ParsedFile } from '../../../packages/core/src/parse/parsed-file.js';
import { Random } from '../random.js';
import type { FuzzCase, FuzzTarget } from '../target.js';

const RULE = 'http01-solver-missing-service-account';
const SA = 'tap-acme-http01-solver';
const DNS01 = { route53: { region: 'eu-west-1' } };
// What the serviceaccount strategy may replace (README, edit policy): a null, or an empty name, with its tag.
const REPLACEABLE = /^(?:|~|null|Null|NULL|""|''|!!null(?:[ \t]+(?:~|null|Null|NULL|""|''))?|!!str[ \t]+(?:""|''))$/;
const HTTP01_KEY = /^["']?http01["']?[ \t]*:/;

class Generator {
  private readonly r: Random;
  /** Indentation step and whether block sequences are indented under their key. */
  private readonly step: number;
  private readonly seqIndent: boolean;

  constructor(r: Random) {
    this.r = r;
    this.step = r.pick([2, 2, 2, 4, 3]);
    this.seqIndent = r.chance(0.4);
  }

  private pad(level: number): string {
    return ' '.repeat(level * this.step);
  }

  stream(): string {
    const r = this.r;
    const docs: string[] = [];
    const n = r.int(0, 4);
    for (let i = 0; i < n; i++) docs.push(this.filler(i));
    const issuers = r.chance(0.2) ? 2 : 1;
    for (let k = 0; k < issuers; k++) docs.splice(r.int(0, docs.length), 0, this.issuer(k));
    let text = '';
    docs.forEach((d, i) => {
      if (i > 0 || r.chance(0.2)) text += r.pick(['---\n', '---\n', '--- # next\n', '---  \n']);
      text += d;
      if (r.chance(0.15)) text += r.pick(['# trailing comment\n', '\n']);
    });
    if (r.chance(0.1)) text = text.replace(/\n$/, '');
    return text;
  }

  private filler(i: number): string {
    const r = this.r;
    switch (r.int(0, 4)) {
      case 0:
        return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${this.pad(1)}name: cm-${i}\ndata:\n${this.pad(1)}a: "x: y"\n${this.pad(1)}b: |\n${this.pad(2)}line one\n${this.pad(2)}line two\n`;
      case 1:
        return `apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: web-${i}, namespace: team-${i}}\nspec:\n${this.pad(1)}secretName: web-${i}\n${this.pad(1)}issuerRef:\n${this.pad(2)}name: letsencrypt-0\n${this.pad(2)}kind: ClusterIssuer # shared\n`;
      case 2:
        return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n${this.pad(1)}name: ${SA}\n${this.pad(1)}namespace: team-${i}\n${this.pullSecrets()}`;
      case 3:
        return `# only a comment\n`;
      default:
        return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n${this.pad(1)}name: d-${i}\n${this.pad(1)}labels: &l {app: d}\nspec:\n${this.pad(1)}selector: {matchLabels: *l}\n${this.pad(1)}replicas: ${r.int(1, 3)}\n`;
    }
  }

  /** A solver ServiceAccount's pull secrets, now and then malformed as people write them. */
  private pullSecrets(): string {
    const r = this.r;
    const d = `${this.seq(1)}-`;
    return r.pick([
      `imagePullSecrets:\n${d} name: registry-credentials\n`,
      `imagePullSecrets:\n${d} registry-credentials\n`,
      `imagePullSecrets: [registry-credentials]\n`,
      `imagePullSecrets:\n${d} name: a\n${d} b\n`,
      `imagePullSecrets:\n${d}\n`,
      `imagePullSecrets:\n${d} null\n`,
      `imagePullSecrets: []\n`,
      '',
    ]);
  }

  /** Dash indentation of a block sequence under a key at `level - 1`. */
  private seq(level: number): string {
    return this.seqIndent ? this.pad(level) : this.pad(level - 1);
  }

  issuer(k: number): string {
    const r = this.r;
    const kind = r.chance(0.7) ? 'ClusterIssuer' : 'Issuer';
    const ns = kind === 'Issuer' ? `\n${this.pad(1)}namespace: team-0` : '';
    const solvers: string[] = [];
    const n = r.int(1, 3);
    for (let i = 0; i < n; i++) solvers.push(this.solver());
    const head = `apiVersion: cert-manager.io/v1\nkind: ${kind}\nmetadata:\n${this.pad(1)}name: letsencrypt-${k}${ns}\n`;
    return `${head}spec:\n${this.pad(1)}acme:\n${this.pad(2)}server: https://acme.example/dir\n${this.pad(2)}privateKeySecretRef:\n${this.pad(3)}name: key-${k}\n${this.pad(2)}solvers:\n${solvers.join('')}`;
  }

  /** One item of `solvers:` (its key at level 2), in block or flow style. */
  private solver(): string {
    const r = this.r;
    const dash = `${this.seq(3)}- `;
    const inner = ' '.repeat(dash.length);
    if (r.chance(0.15)) return `${dash}dns01:\n${inner}${this.pad(1)}route53: {region: us-east-1}\n`;
    if (r.chance(0.15)) return `${dash}${this.flowSolver()}\n`;
    if (r.chance(0.05)) {
      // An anchored http01 entry that a second solver reuses.
      return `${dash}http01: &h\n${inner}${this.pad(1)}ingress:\n${inner}${this.pad(2)}class: a\n${dash}selector: {dnsNames: [x.example.com]}\n${inner}http01: *h\n`;
    }
    const lines: string[] = [];
    if (r.chance(0.25)) lines.push(`selector:`, `${this.pad(1)}dnsZones: [example.com]`);
    if (r.chance(0.1)) lines.push('# the solver for the shared ingress');
    lines.push(`http01:${r.chance(0.1) ? ' # http' : ''}`);
    const variant = r.chance(0.8) ? 'ingress' : 'gatewayHTTPRoute';
    lines.push(`${this.pad(1)}${variant}:`);
    if (variant === 'ingress') lines.push(`${this.pad(2)}${r.pick(['class: contour', 'ingressClassName: nginx', 'name: web'])}`);
    else lines.push(`${this.pad(2)}parentRefs:`, `${this.pad(2)}- name: gw`);
    lines.push(...this.podTemplate().map((l) => `${this.pad(2)}${l}`));
    if (r.chance(0.1)) lines.push(`${this.pad(2)}serviceType: ClusterIP`);
    const [first, ...rest] = lines;
    return `${dash}${first}\n${rest.map((l) => `${inner}${l}\n`).join('')}`;
  }

  /** podTemplate lines under an http01 variant, in the forms a hand-written issuer has them. */
  private podTemplate(): string[] {
    const r = this.r;
    const p = this.pad(1);
    const nul = (): string => r.pick(['', ' ~', ' null', ' Null', ' !!null', ' !!null ~', ' {}']);
    switch (r.int(0, 9)) {
      case 0:
      case 1:
        return [];
      case 2:
        return [`podTemplate:${nul()}`];
      case 3:
        return ['podTemplate:', `${p}metadata:`, `${p}${p}labels: {a: b}`];
      case 4:
        return ['podTemplate:', `${p}spec:${nul()}`];
      case 5:
        return ['podTemplate:', `${p}spec:`, `${p}${p}nodeSelector: {kubernetes.io/os: linux}`];
      case 6:
        return ['podTemplate:', `${p}spec:`, `${p}${p}serviceAccountName:${r.pick(['', ' ""', " ''", ' ~', ' null', ' !!null', ` ${SA}`, ' other'])}`];
      case 7:
        return [`podTemplate: {spec: ${r.pick(['null', '~', '', '{}', '{nodeSelector: {a: b}}', `{serviceAccountName: ""}`])}}`];
      case 8:
        return ['podTemplate:', `${p}serviceAccountName: stray`];
      default:
        return [`podTemplate: ${r.pick(['"str"', '[]', '42'])}`];
    }
  }

  private flowSolver(): string {
    const r = this.r;
    const pt = r.pick(['', ', podTemplate: {}', ', podTemplate: {spec: {}}', ', podTemplate: null', ', podTemplate: {spec: {serviceAccountName: ""}}']);
    return `{http01: {ingress: {class: nginx${pt}}}}`;
  }
}

/** One issuer alone as JSON, as `kubectl get -o json` writes it. */
function asJson(r: Random, text: string): string | undefined {
  const file = new ParsedFile('x.yaml', text);
  if (file.errors.length > 0 || file.docCount !== 1) return undefined;
  const v = file.doc(0)?.toJS() as unknown;
  return v === null || typeof v !== 'object' ? undefined : `${JSON.stringify(v, null, r.pick([0, 2, 4]))}\n`;
}

/** Each document's text, by the spans the reader found (undefined if it could not split the text). */
function documents(text: string): string[] | undefined {
  const f = new ParsedFile('x', text);
  return f.spans?.map((s) => text.slice(s.from, s.to));
}

/** What `kubectl tapacme fix` does to one file: fixAll, whose notes say what was skipped. */
function fixText(text: string, findings: Parameters<typeof fixAll>[1], options: FixAllOptions): { text: string; edits: { offset: number; length: number; newText: string }[]; skipped: unknown[]; failed?: string } {
  const [f] = fixAll([{ fileName: 'x.yaml', text }], findings, resolveSettings(), options).files;
  if (!f) throw new Error('fixAll returned no file');
  return { text: f.text, edits: f.edits, skipped: f.notes, ...(f.failed ? { failed: `${f.failed.cause}: ${f.failed.message}` } : {}) };
}

function checkFix(text: string, options: FixAllOptions, tally: Record<string, number>): string[] {
  const problems: string[] = [];
  const name = options.strategy;
  const { findings, errors } = analyze(text, { fileName: 'x.yaml' });
  if (errors.length > 0) return [`${name}: the generated input does not read: ${errors[0]?.message}`];
  const wanted = findings.filter((f) => f.rule === RULE);
  const r = fixText(text, findings, options);
  if (r.failed) return [`${name}: the fix failed: ${r.failed}`];
  tally[`${name} edits`] = (tally[`${name} edits`] ?? 0) + r.edits.length;
  tally[`${name} skipped`] = (tally[`${name} skipped`] ?? 0) + r.skipped.length;
  const after = analyze(r.text, { fileName: 'x.yaml' });
  if (after.errors.length > 0) problems.push(`${name}: the result does not read: ${after.errors[0]?.message}`);
  // The edit policy: in issuers, as the strategy says; in ServiceAccounts, pull-secret entries are
  // rewritten by inserting `name:` or by replacing a null entry.
  const file = new ParsedFile('x.yaml', text);
  const spans = file.spans ?? [];
  const docOf = (offset: number, length: number): number => spans.findIndex((s) => offset >= s.from && (offset < s.to || (offset === s.to && length === 0)));
  const kindOf = (doc: number): unknown => file.objects.find((o) => o.origin.type === 'file' && o.origin.docIndex === doc)?.kind;
  for (const e of r.edits) {
    const removed = text.slice(e.offset, e.offset + e.length);
    if (kindOf(docOf(e.offset, e.length)) === 'ServiceAccount') {
      if (e.length > 0 && !REPLACEABLE.test(removed.trim())) problems.push(`${name}: a ServiceAccount's ${JSON.stringify(removed)} was replaced`);
      tally['pull-secret edits'] = (tally['pull-secret edits'] ?? 0) + 1;
      continue;
    }
    if (name === 'serviceaccount' && e.length > 0 && !REPLACEABLE.test(removed.trim())) problems.push(`serviceaccount replaced ${JSON.stringify(removed)}, which is not a null or empty value`);
    if (name === 'dns01' && (e.length === 0 || !HTTP01_KEY.test(removed))) problems.push(`dns01 edited ${JSON.stringify(removed)} (insert ${JSON.stringify(e.newText.slice(0, 60))}), not an http01 entry`);
  }
  // Every document the fix did not edit stays byte for byte.
  const before = documents(text);
  const out = documents(r.text);
  if (before && out) {
    if (before.length !== out.length) problems.push(`${name}: ${before.length} documents became ${out.length}`);
    const edited = new Set(r.edits.map((e) => docOf(e.offset, e.length)));
    before.forEach((d, i) => {
      if (!edited.has(i) && out[i] !== d) problems.push(`${name}: document ${i + 1}, which no edit falls in, changed`);
    });
  }
  // What it did not report as skipped is fixed.
  const left = after.findings.filter((f) => f.rule === RULE);
  if (left.length > 0 && r.skipped.length === 0) {
    problems.push(`${name}: ${left.length} of ${wanted.length} findings left and none reported as skipped`);
  }
  if (wanted.length > 0 && r.edits.length === 0 && r.skipped.length === 0) problems.push(`${name}: nothing done and nothing reported for ${wanted.length} findings`);
  // Idempotent: fixing the result again changes nothing.
  const again = fixText(r.text, after.findings, options);
  if (again.failed) problems.push(`${name}: the second run failed: ${again.failed}`);
  else if (again.text !== r.text) problems.push(`${name}: not idempotent; the second run made ${again.edits.length} edits`);
  return problems;
}

export const target: FuzzTarget = {
  name: 'fix',
  description: 'fix of both strategies on generated issuers in generated streams: the result reads, the edit policy holds, other documents stay byte for byte, it is idempotent',
  run(seed: number): FuzzCase {
    const r = new Random(seed);
    const g = new Generator(r);
    const tally: Record<string, number> = { cases: 1 };
    let text = g.stream();
    if (r.chance(0.1)) {
      const json = asJson(r, g.issuer(0));
      if (json) {
        text = json;
        tally['JSON inputs'] = 1;
      }
    }
    if (r.chance(0.15)) {
      text = text.replaceAll('\n', '\r\n');
      tally['CRLF inputs'] = 1;
    }
    const problems: string[] = [];
    try {
      problems.push(...checkFix(text, { strategy: 'serviceaccount' }, tally));
      problems.push(...checkFix(text, { strategy: 'dns01', dns01: DNS01 }, tally));
    } catch (err) {
      problems.push(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    return { problems, input: text, tally };
  },
};
