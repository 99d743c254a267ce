// The fast reader against `yaml`: generated streams of block, flow and mixed YAML with comments,
// quotes, CRLF, mutations and deep nesting. Wherever the reader reads a document it must give `yaml`'s
// documents, values and node ranges, and ParsedFile must give the objects, errors and source ranges
// it gives with `yaml` alone; no input may throw; nesting past the limit is refused with its error.
import { MAX_NESTING_DEPTH } from '../../../packages/core/src/parse/nesting.js';
import { ParsedFile } from '../../../packages/core/src/parse/parsed-file.js';
import { readSimpleYaml } from '../../../packages/core/src/parse/simple-yaml/read-stream.js';
import { fileDifferences, readerDifferences } from '../../../packages/core/test/simple-yaml-diff.js';
import { Random } from '../random.js';
import type { FuzzCase, FuzzTarget } from '../target.js';

const KINDS = ['Issuer', 'ClusterIssuer', 'Certificate', 'Ingress', 'Gateway', 'ServiceAccount', 'Secret', 'List', 'ConfigMap', 'Deployment'];
const KEYS = ['name', 'namespace', 'kind', 'app', 'value', 'port', 'x.io/y', 'a b', 'spec', 'items', 'labels', 'server', 'class', '"quoted"', "'single'", '"a:b"', 'k-1', 'é'];
const RISKY_KEYS = ['80', 'true', '~', '? q', '<<', '&a k', '!t k', '-k', '[k]', '{k: v}'];
const PLAIN = ['web', 'app-1', 'letsencrypt-prod', 'a b c', 'x:y', 'http://h.example/p?q=1', 'a#b', '-1', '0o17', '1.5', '.inf', 'yes', 'true', 'False', 'null', '~', '2024-01-01', '1_000', 'café', '日本語', "it's", 'v1.2.3', 'eu-west-1', '0x1F', '+1', 'ClusterIssuer'];
const RISKY_PLAIN = ['*a', '&a x', '!t x', '|', '>', '@x', '`x', '%x', 'a: b', 'a #b', '- x', '? x', ': x', 'x:'];
const QUOTED = ['"x"', "'y'", '""', "''", '"a\\tb"', '"q \\" q"', "'it''s'", '"# no comment"', '"a: b"', '"[x]"', "'{y}'", '"\\u00e9"', '"1"', "'true'", '"a, b"'];
const PIECES = [' ', '  ', '-', '- ', ':', ': ', '#', ' #', '\n', '\n  ', '\n- ', '"', "'", '[', ']', '{', '}', ',', 'a', '1', '~', '---\n', '\r\n', '\t', '&a ', '*a', '!!str ', '|\n', '? '];

class Generator {
  private readonly r: Random;
  /** The deepest nesting generated on purpose, and whether the text was then mutated. */
  deep = 0;

  constructor(r: Random) {
    this.r = r;
  }

  stream(): string {
    const r = this.r;
    const docs: string[] = [];
    const n = r.int(1, 4);
    for (let i = 0; i < n; i++) docs.push(this.document());
    let text = '';
    docs.forEach((d, i) => {
      if (i > 0 || r.chance(0.2)) text += r.pick(['---\n', '---\n', '--- # doc\n', '---  \n', '--- \n']);
      text += d;
      if (r.chance(0.2)) text += r.pick(['# trailing\n', '\n', '  \n']);
    });
    return text;
  }

  private document(): string {
    const r = this.r;
    if (r.chance(0.015)) return this.deepChain();
    const roll = r.next();
    if (roll < 0.6) {
      // A manifest, so that ParsedFile makes objects and locates their paths.
      const kind = r.pick(KINDS);
      let head = `apiVersion: ${r.pick(['v1', 'cert-manager.io/v1', 'networking.k8s.io/v1', '"v1"'])}\nkind: ${r.chance(0.9) ? kind : `"${kind}"`}\n`;
      if (r.chance(0.5)) head += `metadata: {name: m${r.int(0, 9)}, namespace: ${r.pick(['a', 'b', '"c"'])}}\n`;
      else head += `metadata:\n  name: m${r.int(0, 9)}\n`;
      if (kind === 'List' && r.chance(0.7)) return `${head}items:\n${this.blockSeq(0, 1)}`;
      return head + this.blockMap(0, 1, ['apiVersion', 'kind', 'metadata']);
    }
    if (roll < 0.8) return this.blockMap(0, 0, []);
    if (roll < 0.9) return this.blockSeq(0, 0);
    if (roll < 0.97) return `${this.flow(-1, 0)}\n`;
    return `${this.scalar(false)}\n`;
  }

  private key(used: string[]): string {
    const r = this.r;
    let k = r.chance(0.01) ? r.pick(RISKY_KEYS) : r.pick(KEYS);
    if (used.includes(k) && r.chance(0.95)) k = `${k.replace(/^["']|["']$/g, '')}${used.length}`;
    used.push(k);
    return k;
  }

  private scalar(inFlow: boolean): string {
    const r = this.r;
    const roll = r.next();
    if (roll < 0.55) {
      const p = r.pick(PLAIN);
      return inFlow && /[,[\]{}]/.test(p) ? 'w' : p;
    }
    if (roll < 0.9) return r.pick(QUOTED);
    if (roll < 0.98) return String(r.int(-100, 70000));
    return r.pick(RISKY_PLAIN);
  }

  private comment(): string {
    return this.r.chance(0.15) ? ` # ${this.r.pick(['c', 'note: x', '#', '[', '"'])}` : '';
  }

  private fullLineComments(indent: number): string {
    const r = this.r;
    let out = '';
    while (r.chance(0.1)) out += r.chance(0.5) ? `${' '.repeat(r.int(0, indent + 2))}# comment\n` : r.pick(['\n', '  \n']);
    return out;
  }

  /** A few entries of a block collection at `indent`, fewer deeper down, with comment lines between them. */
  private entries(indent: number, depth: number, entry: (sp: string) => string): string {
    const sp = ' '.repeat(indent);
    let out = '';
    for (let n = this.r.int(1, depth > 3 ? 2 : 4); n > 0; n--) out += this.fullLineComments(indent) + entry(sp);
    return out;
  }

  private blockMap(indent: number, depth: number, used: string[]): string {
    return this.entries(indent, depth, (sp) => `${sp}${this.key(used)}:${this.afterColon(indent, depth)}`);
  }

  /** What follows `key:` in a block map whose keys sit at `indent`, through the line break. */
  private afterColon(indent: number, depth: number): string {
    const r = this.r;
    const roll = depth > 5 ? r.next() * 0.55 : r.next();
    if (roll < 0.3) return ` ${this.scalar(false)}${this.comment()}\n`;
    if (roll < 0.55) return ` ${this.flow(indent, depth + 1)}${this.comment()}\n`;
    if (roll < 0.75) return `${this.comment()}\n${this.blockMap(indent + r.pick([2, 2, 4, 1]), depth + 1, [])}`;
    if (roll < 0.92) return `${this.comment()}\n${this.blockSeq(indent + r.pick([0, 2, 2]), depth + 1)}`;
    if (roll < 0.96) return `\n${' '.repeat(indent + 2)}${this.flow(indent, depth + 1)}\n`;
    return r.pick(['\n', ' \n', ' # empty\n']);
  }

  private blockSeq(indent: number, depth: number): string {
    const r = this.r;
    return this.entries(indent, depth, (sp) => {
      const roll = depth > 5 ? r.next() * 0.6 : r.next();
      if (roll < 0.3) return `${sp}- ${this.scalar(false)}${this.comment()}\n`;
      if (roll < 0.6) return `${sp}- ${this.flow(indent, depth + 1)}${this.comment()}\n`;
      if (roll < 0.9) {
        // A map whose first entry sits on the dash's line.
        const used: string[] = [];
        const inner = indent + 2;
        const first = `${sp}- ${this.key(used)}:${this.afterColon(inner, depth + 1)}`;
        return r.chance(0.5) ? first + this.blockMap(inner, depth + 1, used) : first;
      }
      if (roll < 0.98) return `${sp}- - ${this.scalar(false)}\n`;
      return `${sp}-\n`;
    });
  }

  /** A flow collection; its lines after the first are indented from `parent`, mostly enough. */
  private flow(parent: number, depth: number): string {
    const r = this.r;
    const isSeq = r.chance(0.5);
    const multiLine = r.chance(0.2);
    const n = depth > 6 ? r.int(0, 1) : r.int(0, 4);
    const gap = (): string => {
      if (!multiLine || !r.chance(0.6)) return r.pick(['', ' ', ' ', '  ']);
      const comment = r.chance(0.2) ? ' # c' : '';
      return `${comment}\n${r.chance(0.05) ? '# line\n' : ''}${' '.repeat(Math.max(0, parent + r.pick([1, 2, 2, 4, 4, 1, 2, 0])))}`;
    };
    const used: string[] = [];
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      const value = (): string => (r.chance(depth > 6 ? 0.05 : 0.25) ? this.flow(parent, depth + 1) : this.scalar(true));
      if (isSeq) items.push(value());
      else {
        const k = this.key(used);
        const sep = /^["']/.test(k) && r.chance(0.3) ? ':' : ': ';
        items.push(r.chance(0.03) ? k : `${k}${sep}${value()}`);
      }
    }
    let body = '';
    items.forEach((item, i) => {
      body += gap() + item + gap();
      if (i < items.length - 1 || r.chance(0.1)) body += ',';
    });
    if (r.chance(0.02)) body += ',';
    const close = multiLine && r.chance(0.5) ? `\n${' '.repeat(Math.max(0, parent + r.pick([0, 0, 1, 2])))}` : gap();
    return isSeq ? `[${body}${close}]` : `{${body}${close}}`;
  }

  /** Nesting about as deep as the limit, or far past it. */
  private deepChain(): string {
    const r = this.r;
    const n = r.pick([MAX_NESTING_DEPTH - 20, MAX_NESTING_DEPTH + 20, 3000, 20000]);
    const style = r.int(0, 3);
    if (style === 0) {
      // Block nesting grows as the square of its depth in text: stay near the limit.
      const levels = Math.min(n, MAX_NESTING_DEPTH + 50);
      this.deep = Math.max(this.deep, levels);
      let out = '';
      for (let i = 0; i < levels; i++) out += `${' '.repeat(i)}k${i}:\n`;
      return `${out}${' '.repeat(levels)}x: 1\n`;
    }
    this.deep = Math.max(this.deep, n);
    if (style === 1) return `a: ${'['.repeat(n)}${r.chance(0.8) ? ']'.repeat(n) : ''}\n`;
    if (style === 2) return `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
    return `${'- '.repeat(n)}x\n`;
  }
}

function mutate(r: Random, text: string): string {
  let out = text;
  for (let k = r.int(1, 2); k > 0; k--) {
    const at = r.int(0, out.length);
    if (r.chance(0.3)) out = out.slice(0, at) + out.slice(at + 1);
    else out = out.slice(0, at) + r.pick(PIECES) + out.slice(at);
  }
  return out;
}

export const target: FuzzTarget = {
  name: 'simple-yaml',
  description: 'the fast reader and ParsedFile against yaml on generated block, flow and mixed YAML (comments, quotes, CRLF, mutations, deep nesting)',
  run(seed: number): FuzzCase {
    const r = new Random(seed);
    const g = new Generator(r);
    let text = g.stream();
    const mutated = r.chance(0.2);
    if (mutated) text = mutate(r, text);
    if (r.chance(0.2)) text = text.replaceAll('\n', '\r\n');
    const problems: string[] = [];
    const tally: Record<string, number> = {};
    try {
      problems.push(...readerDifferences(text), ...fileDifferences(text));
      const docs = readSimpleYaml(text);
      if (!docs) tally['texts left whole to yaml'] = 1;
      for (const d of docs ?? []) tally[d.type === 'read' ? 'documents read' : 'documents left to yaml'] = (tally[d.type === 'read' ? 'documents read' : 'documents left to yaml'] ?? 0) + 1;
      if (g.deep > MAX_NESTING_DEPTH + 10 && !mutated) {
        const file = new ParsedFile('deep.yaml', text);
        if (!file.errors.some((e) => e.code === 'nesting')) problems.push(`nesting ${g.deep} deep was not refused: ${JSON.stringify(file.errors.map((e) => e.code))}`);
        tally['deep texts refused'] = 1;
      }
    } catch (err) {
      problems.push(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    return { problems, input: text, tally };
  },
};
