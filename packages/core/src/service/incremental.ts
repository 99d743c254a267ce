import type { ManifestObject } from '../model/manifest-object.js';
import { refOf } from '../model/manifest-object.js';
import { ParsedFile } from '../parse/parsed-file.js';
import type { InputError } from '../parse/input-error.js';
import { templateMessage } from '../parse/template-markers.js';
import { rules } from '../rules/registry.js';
import type { Problem, Rule, RuleContext, Severity } from '../rules/rule.js';
import { resolveSettings } from '../settings.js';
import type { Settings } from '../settings.js';
import { SourceText } from '../text/source-text.js';
import type { Position, Range } from '../text/source-text.js';
import type { AnalyzeResult, Finding } from './finding.js';

/**
 * Re-analysis for an editor: the same result as `analyze(text, {fileName, settings})`, but a
 * YAML stream is cut into its documents at `---`/`...` lines and each piece is parsed and checked
 * once per distinct text. After a one-character edit only the edited document is parsed again; the
 * rules that look across documents run over the cached objects.
 *
 * Pieces are exact: a document marker at column 0 ends every well-formed YAML construct. Broken YAML
 * is not so local (an unclosed quote runs past markers; a stray token after `---` is filed under the
 * document before it), so a piece with a syntax error is parsed together with its neighbours until
 * the parse starts afresh at a piece boundary. Directives (`%YAML`) make the whole text one piece.
 */
export class IncrementalAnalyzer {
  readonly fileName: string;
  private settings: Settings;
  private settingsKey: string;
  private cache = new Map<string, Piece>();
  private lastSet: { settingsKey: string; key: { signature: string; docIndex: number }[]; problems: Map<number, Problem[]> } | undefined;
  /** Counters of the last run, for tests and the bench. */
  lastRun = { pieces: 0, parsed: 0 };

  constructor(options: { fileName: string; settings?: Partial<Settings> }) {
    this.fileName = options.fileName;
    this.settings = resolveSettings(options.settings);
    this.settingsKey = JSON.stringify(this.settings);
  }

  /** New settings keep the parse cache; only the per-piece rule results are recomputed. */
  setSettings(settings: Partial<Settings> | undefined): void {
    this.settings = resolveSettings(settings);
    this.settingsKey = JSON.stringify(this.settings);
  }

  analyze(text: string): AnalyzeResult {
    const next = new Map<string, Piece>();
    let parsed = 0;
    const piece = (t: string): Piece => {
      let p = next.get(t) ?? this.cache.get(t);
      if (!p) {
        p = new Piece(this.fileName, t);
        parsed++;
      }
      next.set(t, p);
      return p;
    };
    const placed: Placed[] = [];
    let line = 0;
    let docIndex = 0;
    const bounds = splitDocuments(text);
    const n = bounds.length - 1;
    for (let i = 0; i < n; ) {
      let start = bounds[i] as number;
      let j = i + 1;
      let p = piece(text.slice(start, bounds[j]));
      if (p.hasErrors) {
        // The parser files a stray token after `---` under the document before it: parse them together.
        if (placed.length > 0) {
          let prev: Placed;
          do {
            prev = placed.pop() as Placed;
            line -= prev.piece.lineBreaks;
            docIndex -= prev.piece.file.docCount;
          } while (prev.piece.file.docCount === 0 && placed.length > 0);
          start = prev.offset;
        }
        // Broken YAML can run past the next marker (an unclosed quote does): take in the following
        // pieces until the parse of them together starts afresh at a piece boundary.
        // The clean piece it ends with stays in, so errors keep the positions that lookahead gave them.
        for (; j < n; j++) {
          const merged = piece(text.slice(start, bounds[j + 1]));
          if (startsAfresh(merged, (bounds[j] as number) - start, piece(text.slice(bounds[j], bounds[j + 1])))) {
            p = merged;
            j++;
            break;
          }
        }
        if (j >= n) p = piece(text.slice(start));
      }
      placed.push({ piece: p, offset: start, line, docIndex });
      line += p.lineBreaks;
      docIndex += p.file.docCount;
      i = j;
    }
    this.cache = next;
    this.lastRun = { pieces: placed.length, parsed };
    return this.run(text, placed);
  }

  private run(text: string, placed: readonly Placed[]): AnalyzeResult {
    // A template marker anywhere means the file is not YAML yet: that error alone, as analyze reports.
    const template = placed.find((p) => p.piece.file.isTemplate);
    if (template) return { findings: [], errors: [templateError(template, this.fileName)] };

    const objects: ManifestObject[] = [];
    for (const p of placed) for (const g of p.piece.globals(p.docIndex)) objects.push(g);
    const ctx: RuleContext = { settings: this.settings, objects };
    const setProblems = this.setRuleProblems(placed, ctx);
    const findings: Finding[] = [];
    for (const [ruleIndex, rule] of rules.entries()) {
      const configured = this.settings.rules[rule.id];
      if (configured === 'off') continue;
      const severity = configured ?? rule.defaultSeverity;
      if (rule.scope === 'object') {
        for (const p of placed) {
          for (const r of p.piece.problems(ruleIndex, rule, this.settingsKey, ctx)) findings.push(place(r, p, severity));
        }
      } else {
        for (const problem of setProblems.get(ruleIndex) ?? []) {
          const p = owner(placed, problem.object);
          findings.push(p ? place(relative(rule, problem, p.piece, p.docIndex), p, severity) : unplaced(rule, problem, severity));
        }
      }
    }
    findings.sort(compareFindings);
    return { findings, errors: this.errors(text, placed) };
  }

  /**
   * Problems of the rules that look across documents. They depend on the objects' values and
   * document indexes only, so when every piece holds the same objects at the same index as in the
   * last run (an edit in a comment, in spacing, or in a document without objects) they are reused.
   */
  private setRuleProblems(placed: readonly Placed[], ctx: RuleContext): Map<number, Problem[]> {
    const key = placed.filter((p) => p.piece.file.objects.length > 0).map((p) => ({ signature: p.piece.signature, docIndex: p.docIndex }));
    const last = this.lastSet;
    if (last && last.settingsKey === this.settingsKey && last.key.length === key.length && last.key.every((k, i) => k.docIndex === key[i]?.docIndex && k.signature === key[i]?.signature)) {
      return last.problems;
    }
    const problems = new Map<number, Problem[]>();
    for (const [ruleIndex, rule] of rules.entries()) {
      if (rule.scope === 'set' && this.settings.rules[rule.id] !== 'off') problems.set(ruleIndex, rule.check(ctx));
    }
    this.lastSet = { settingsKey: this.settingsKey, key, problems };
    return problems;
  }

  private errors(text: string, placed: readonly Placed[]): InputError[] {
    if (!placed.some((p) => p.piece.file.errors.length > 0)) return [];
    // Syntax errors at the end of a piece are clamped to the end of the whole text's content, as analyze does.
    const whole = new SourceText(text);
    const contentEnd = text.trimEnd().length;
    const out: InputError[] = [];
    for (const p of placed) {
      const { file } = p.piece;
      if (file.errors.length === 0) continue;
      let k = 0;
      const errs = file.errors;
      file.docs.forEach((doc) => {
        if (doc.errors.length > 0) {
          for (const err of doc.errors) {
            const e = errs[k++];
            if (!e) continue;
            const start = Math.min(p.offset + err.pos[0], contentEnd);
            const range = whole.rangeAt(start, Math.max(Math.min(p.offset + err.pos[1], text.length), start));
            out.push({ ...e, line: range.start.line + 1, range });
          }
        } else if (errs[k]?.message.startsWith('cannot read this YAML document') && doc.range && errs[k]?.line === file.source.positionAt(doc.range[0]).line + 1) {
          const e = errs[k++] as InputError;
          out.push({ ...e, line: e.line + p.line, ...(e.range ? { range: shiftRange(e.range, p) } : {}) });
        }
      });
      // Anything not matched above (none today) keeps its position, shifted.
      for (; k < errs.length; k++) {
        const e = errs[k] as InputError;
        out.push({ ...e, line: e.line + p.line, ...(e.range ? { range: shiftRange(e.range, p) } : {}) });
      }
    }
    return out;
  }
}

/** A piece of the stream where it sits in this run. */
interface Placed {
  piece: Piece;
  offset: number;
  line: number;
  docIndex: number;
}

/** A finding relative to its piece: ranges from the piece's start, docIndex within the piece. */
interface RelativeFinding {
  finding: Omit<Finding, 'severity'>;
}

/** One or more YAML documents parsed on their own; shared by every place the same text appears. */
class Piece {
  readonly file: ParsedFile;
  readonly lineBreaks: number;
  readonly hasErrors: boolean;
  private ruleResults: (RelativeFinding[] | undefined)[] = [];
  private resultsKey = '';
  private placedObjects = new Map<number, ManifestObject[]>();
  private ranges = new Map<string, Range | undefined>();
  private signatureText: string | undefined;

  constructor(fileName: string, text: string) {
    this.file = new ParsedFile(fileName, text);
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    this.lineBreaks = n;
    this.hasErrors = this.file.hasSyntaxErrors;
  }

  /** The piece's objects with document indexes of the whole stream, kept while the piece does not move. */
  globals(docBase: number): ManifestObject[] {
    let out = this.placedObjects.get(docBase);
    if (!out) {
      if (this.placedObjects.size > 3) this.placedObjects.clear();
      out = this.file.objects.map((o) => ({ ...o, origin: o.origin.type === 'file' ? { ...o.origin, docIndex: o.origin.docIndex + docBase } : o.origin }));
      this.placedObjects.set(docBase, out);
    }
    return out;
  }

  /** The objects' values as text: equal signatures hold equal objects, wherever the text differs. */
  get signature(): string {
    this.signatureText ??= JSON.stringify(this.file.objects.map((o) => [o.origin.type === 'file' ? [o.origin.docIndex, o.origin.itemPath] : null, o.value]));
    return this.signatureText;
  }

  /** Where a path sits in this piece; set-rule findings ask for the same few places on every run. */
  locate(docIndex: number, path: readonly (string | number)[], part: 'key' | 'value' | 'pair'): Range | undefined {
    const key = `${docIndex}\u0000${part}\u0000${path.join('\u0000')}`;
    if (!this.ranges.has(key)) this.ranges.set(key, this.file.locate(docIndex, path, part));
    return this.ranges.get(key);
  }

  /** Object-rule results for this piece, computed once per settings. */
  problems(ruleIndex: number, rule: Rule & { scope: 'object' }, settingsKey: string, ctx: RuleContext): RelativeFinding[] {
    if (settingsKey !== this.resultsKey) {
      this.ruleResults = [];
      this.resultsKey = settingsKey;
    }
    let cached = this.ruleResults[ruleIndex];
    if (!cached) {
      cached = this.file.objects.flatMap((o) => rule.check(o, ctx)).map((problem) => relative(rule, problem, this, 0));
      this.ruleResults[ruleIndex] = cached;
    }
    return cached;
  }
}

/** The finding `analyze` would build, relative to the piece (`docBase` is subtracted from global docIndex). */
function relative(rule: Rule, p: Problem, piece: Piece, docBase: number): RelativeFinding {
  const f: Omit<Finding, 'severity'> = { rule: rule.id, message: p.message, object: refOf(p.object), path: p.path, fixes: p.fixes ?? [] };
  if (p.data) f.data = p.data;
  const origin = p.object.origin;
  if (origin.type === 'file') {
    const local = origin.docIndex - docBase;
    f.fileName = origin.fileName;
    f.docIndex = local;
    f.itemPath = origin.itemPath;
    const range = piece.locate(local, [...origin.itemPath, ...p.path], p.part ?? 'key');
    if (range) f.range = range;
  }
  return { finding: f };
}

/** The placed piece that holds a document index (pieces are in document order). */
function owner(placed: readonly Placed[], object: ManifestObject): Placed | undefined {
  if (object.origin.type !== 'file') return undefined;
  const doc = object.origin.docIndex;
  let lo = 0;
  let hi = placed.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((placed[mid] as Placed).docIndex <= doc) lo = mid;
    else hi = mid - 1;
  }
  // Pieces without documents share an index with the next one: take the one that has it.
  for (let i = lo; i >= 0; i--) {
    const p = placed[i] as Placed;
    if (p.docIndex <= doc && doc < p.docIndex + p.piece.file.docCount) return p;
  }
  return undefined;
}

function place(r: RelativeFinding, p: Placed, severity: Severity): Finding {
  const { finding } = r;
  const f: Finding = { rule: finding.rule, severity, message: finding.message, object: finding.object, path: finding.path, fixes: finding.fixes };
  if (finding.data) f.data = finding.data;
  if (finding.fileName !== undefined) f.fileName = finding.fileName;
  if (finding.docIndex !== undefined) {
    f.docIndex = finding.docIndex + p.docIndex;
    if (finding.itemPath) f.itemPath = finding.itemPath;
  }
  if (finding.range) f.range = shiftRange(finding.range, p);
  return f;
}

function unplaced(rule: Rule, p: Problem, severity: Severity): Finding {
  const f: Finding = { rule: rule.id, severity, message: p.message, object: refOf(p.object), path: p.path, fixes: p.fixes ?? [] };
  if (p.data) f.data = p.data;
  return f;
}

function shiftPosition(pos: Position, p: Placed): Position {
  return { line: pos.line + p.line, character: pos.character, offset: pos.offset + p.offset };
}

function shiftRange(r: Range, p: Placed): Range {
  return { start: shiftPosition(r.start, p), end: shiftPosition(r.end, p) };
}

function templateError(p: Placed, fileName: string): InputError {
  const e = p.piece.file.errors.find((x) => x.code === 'template') as InputError;
  const range = e.range ? shiftRange(e.range, p) : undefined;
  const line = range ? range.start.line : e.line - 1 + p.line;
  const marker = range ? p.piece.file.source.text.slice(range.start.offset - p.offset, range.end.offset - p.offset) : '{{';
  return { fileName, line: line + 1, code: 'template', message: templateMessage({ offset: range?.start.offset ?? 0, line, marker }), ...(range ? { range } : {}) };
}

/**
 * True when `merged` (a broken piece and the clean piece `alone` after it) holds, from offset `at`
 * on, exactly the documents of `alone`: the parser was back at a document start at the boundary.
 */
function startsAfresh(merged: Piece, at: number, alone: Piece): boolean {
  const after = alone.file.docs;
  if (alone.hasErrors || after.length === 0) return false;
  const docs = merged.file.docs;
  const first = docs.findIndex((d) => (d.range?.[0] ?? -1) >= at);
  if (first === -1 || docs[first]?.range?.[0] !== at || docs.length - first !== after.length) return false;
  return docs.every((d, k) => (k < first ? (d.range?.[2] ?? Infinity) <= at : d.errors.length === 0));
}

const MARKER = /(?:^|\n)(---|\.\.\.)(?=[ \t\r\n]|$)/g;

/**
 * Offsets where the stream's pieces begin, plus the text length: a `---` line starts a piece and a
 * `...` line ends one. Only line feeds start lines here, as in the YAML parser.
 */
export function splitDocuments(text: string): number[] {
  const bounds = [0];
  if (/(?:^|\n)%/.test(text)) return [0, text.length];
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    const lineStart = m[0].startsWith('\n') ? m.index + 1 : m.index;
    let at = lineStart;
    if (m[1] === '...') {
      const eol = text.indexOf('\n', lineStart);
      at = eol === -1 ? text.length : eol + 1;
    }
    if (at > (bounds[bounds.length - 1] as number)) bounds.push(at);
  }
  if (text.length > (bounds[bounds.length - 1] as number) || bounds.length === 1) bounds.push(text.length);
  return bounds;
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.fileName !== b.fileName) return (a.fileName ?? '') < (b.fileName ?? '') ? -1 : 1;
  return (a.range?.start.offset ?? 0) - (b.range?.start.offset ?? 0) || a.rule.localeCompare(b.rule);
}
