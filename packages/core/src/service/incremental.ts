import type { ManifestObject } from '../model/manifest-object.js';
import { refOf } from '../model/manifest-object.js';
import { ParsedFile } from '../parse/parsed-file.js';
import type { InputError } from '../parse/input-error.js';
import { templateMessage } from '../parse/template-markers.js';
import { rules } from '../rules/registry.js';
import type { GroupedSetRule, Problem, Rule, RuleContext, SetRule, Severity } from '../rules/rule.js';
import { SetRuleGroups } from './set-rule-groups.js';
import type { GroupMember } from './set-rule-groups.js';
import { resolveSettings } from '../settings.js';
import type { Settings } from '../settings.js';
import { SourceText } from '../text/source-text.js';
import type { Range } from '../text/source-text.js';
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
  private cache: Map<string, Piece> | undefined = new Map<string, Piece>();
  private last: { text: string; placed: Placed[]; clean: boolean } | undefined;
  /**
   * What `update` changed: the pieces it replaced in `from`, the ones it put there, the documents
   * those hold (from, to), and whether the documents after them moved.
   */
  private change:
    | { from: readonly Placed[]; at: number; replaced: Placed[]; fresh: Placed[]; docs: [number, number]; docsMoved: boolean; delta: number; lineDelta: number }
    | undefined;
  /** The last run's findings, with where each piece's begin, when they are in piece order (nothing was sorted in). */
  private lastOut: { placed: readonly Placed[]; settingsKey: string; findings: readonly Finding[]; starts: Int32Array } | undefined;
  private lastSet:
    | { settingsKey: string; problems: Map<number, Problem[]>; placed: readonly Placed[]; findings: SetFindings }
    | undefined;
  private groupsByRule = new Map<SetRule, SetRuleGroups>();
  /** The pieces the groups were last brought up to date with. */
  private groupsAt: readonly Placed[] | undefined;
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
    this.groupsByRule.clear();
    this.groupsAt = undefined;
  }

  /**
   * Analyse the document's current text. `changed`, when given, covers every change since the last
   * call (see `coverChange`), so the text need not be compared with the last one to find the edit.
   */
  analyze(text: string, changed?: ChangedRange): AnalyzeResult {
    const updated = this.update(text, changed);
    const placed = updated ?? this.split(text);
    // Clean: no piece has any error (syntax, template or conversion), so pieces were never merged.
    // `update` answers only for a clean last text and fresh pieces without errors.
    const clean = placed === this.last?.placed ? this.last.clean : updated !== undefined || placed.every((p) => p.piece.file.errors.length === 0);
    this.last = { text, placed, clean };
    return this.run(text, placed, clean);
  }

  /**
   * The pieces of `text` worked out from the last run's: only the region around what changed is
   * cut again, and the pieces after it move. Undefined when the last text had broken YAML or a
   * template (its pieces were merged around them) or the region has; `split` answers then.
   */
  private update(text: string, changed: ChangedRange | undefined): Placed[] | undefined {
    this.change = undefined;
    const last = this.last;
    if (!last?.clean || last.placed.length === 0 || text.length === 0) return undefined;
    const old = last.text;
    const placed = last.placed;
    if (old === text) {
      this.lastRun = { pieces: placed.length, parsed: 0 };
      return placed;
    }
    // A range that does not fit the two texts' lengths is not trusted.
    const d = changed && changed.newEnd - changed.oldEnd === text.length - old.length && changed.start >= 0 && changed.oldEnd <= old.length ? changed : changedRange(old, text);
    const n = placed.length;
    // From the piece before the edit: an edit at the start of a `---` line can join its piece to that one.
    const i0 = Math.max(0, pieceAt(placed, d.start) - 1);
    // To a piece that a `---` line ends: a boundary after a `...` line can move with the edit.
    let i1 = pieceAt(placed, d.oldEnd);
    while (i1 + 1 < n && !isMarkerLine(old, (placed[i1 + 1] as Placed).offset)) i1++;
    const first = placed[i0] as Placed;
    const after = placed[i1 + 1];
    const delta = text.length - old.length;
    const region = text.slice(first.offset, after ? after.offset + delta : text.length);
    if (/(?:^|\n)%/.test(region)) return undefined;
    const reuse = new Map<string, Placed>();
    for (let k = i0; k <= i1; k++) {
      const p = placed[k] as Placed;
      reuse.set(p.piece.file.source.text, p);
    }
    const fresh: Placed[] = [];
    let parsed = 0;
    let line = first.line;
    let docIndex = first.docIndex;
    const bounds = region.length > 0 ? splitDocuments(region) : [0];
    for (let b = 0; b + 1 < bounds.length; b++) {
      const start = bounds[b] as number;
      const t = region.slice(start, bounds[b + 1]);
      const was = reuse.get(t);
      let p = was?.piece;
      if (!p) {
        p = new Piece(this.fileName, t);
        parsed++;
      }
      if (p.file.errors.length > 0) return undefined;
      // Its findings placed last time still hold if it did not move (they record where they were placed).
      fresh.push({ piece: p, offset: first.offset + start, line, docIndex, found: was?.found });
      line += p.lineBreaks;
      docIndex += p.file.docCount;
    }
    const out = placed.slice(0, i0).concat(fresh);
    const docsMoved = after !== undefined && docIndex !== after.docIndex;
    const lineDelta = after ? line - after.line : 0;
    if (after) {
      const docDelta = docIndex - after.docIndex;
      // Moved in place: nothing outside the analyser holds a Placed, and the last run's are done with.
      for (let k = i1 + 1; k < n; k++) {
        const p = placed[k] as Placed;
        p.offset += delta;
        p.line += lineDelta;
        p.docIndex += docDelta;
        out.push(p);
      }
    }
    this.change = { from: placed, at: i0, replaced: placed.slice(i0, i1 + 1), fresh, docs: [first.docIndex, docIndex], docsMoved, delta, lineDelta };
    // The text-keyed cache of `split` is rebuilt from these pieces if it is needed again.
    this.cache = undefined;
    this.lastRun = { pieces: out.length, parsed };
    return out;
  }

  /** The pieces of `text`, cut from scratch; pieces whose text did not change are reused. */
  private split(text: string): Placed[] {
    if (!this.cache) this.cache = new Map((this.last?.placed ?? []).map((p) => [p.piece.file.source.text, p.piece]));
    const cache = this.cache;
    const next = new Map<string, Piece>();
    let parsed = 0;
    const piece = (t: string): Piece => {
      let p = next.get(t) ?? cache.get(t);
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
      placed.push({ piece: p, offset: start, line, docIndex, found: undefined });
      line += p.lineBreaks;
      docIndex += p.file.docCount;
      i = j;
    }
    this.cache = next;
    this.lastRun = { pieces: placed.length, parsed };
    return placed;
  }

  private run(text: string, placed: readonly Placed[], clean: boolean): AnalyzeResult {
    // A template marker anywhere means the file is not YAML yet: that error alone, as analyze reports.
    const template = clean ? undefined : placed.find((p) => p.piece.file.isTemplate);
    if (template) return { findings: [], errors: [templateError(template, this.fileName)] };

    // All objects are gathered only when a rule asks for them (set rules, when their input changed).
    let objects: ManifestObject[] | undefined;
    const ctx: RuleContext = {
      settings: this.settings,
      get objects(): ManifestObject[] {
        if (!objects) {
          // Only objects some set rule reads: a set rule ignores an object whose input is ''.
          objects = [];
          for (const p of placed) for (const g of p.piece.globals(p.docIndex)) objects.push(g);
        }
        return objects;
      },
    };
    const sets = this.setRuleFindings(placed, ctx);
    const spliced = this.splice(placed, sets, ctx);
    if (spliced) return { findings: spliced, errors: [] };
    // Pieces are in text order and each one's findings are sorted: together they are sorted.
    const findings: Finding[] = [];
    const starts = new Int32Array(placed.length + 1);
    placed.forEach((p, k) => {
      starts[k] = findings.length;
      for (const f of this.pieceFindings(p, sets, ctx)) findings.push(f);
    });
    starts[placed.length] = findings.length;
    // A finding that could not be located sorts as if at offset 0, as in `analyze`.
    if (sets.unplaced.length > 0 || findings.some((f) => !f.range)) {
      findings.push(...sets.unplaced);
      findings.sort(compareFindings);
      this.lastOut = undefined;
    } else this.lastOut = { placed, settingsKey: this.settingsKey, findings, starts };
    return { findings, errors: clean ? [] : this.errors(text, placed) };
  }

  /** A piece's findings where it sits now, with the set-rule findings of its documents. */
  private pieceFindings(p: Placed, sets: SetFindings, ctx: RuleContext): readonly Finding[] {
    const bucket = sets.byDoc.get(p.docIndex);
    // A piece without documents shares its index with the next piece: the bucket is that one's.
    const set = bucket?.piece === p.piece ? bucket.list : undefined;
    const hit = p.found;
    // Unmoved, same piece, same settings, same set-rule findings: the findings placed last time.
    if (hit?.piece === p.piece && hit.settingsKey === this.settingsKey && hit.set === set && hit.offset === p.offset && hit.line === p.line && hit.docIndex === p.docIndex) return hit.findings;
    const own = p.piece.objectFindings(this.settings, this.settingsKey, ctx);
    return this.placedFindings(p, own, set);
  }

  /**
   * After `update`, the last run's findings with the edited pieces' replaced and those after them
   * moved: an edit costs what it changed and the findings below it, not a visit to every piece.
   * Undefined when the last findings cannot be reused (no last run in piece order, other settings,
   * documents that moved, set-rule findings that cannot be traced to their pieces).
   */
  private splice(placed: readonly Placed[], sets: SetFindings, ctx: RuleContext): Finding[] | undefined {
    const prev = this.lastOut;
    const change = this.change;
    const changedDocs = sets.changedDocs;
    if (!prev || !change || change.from !== prev.placed || prev.settingsKey !== this.settingsKey || !changedDocs || change.docsMoved || sets.unplaced.length > 0) return undefined;
    // The edited pieces, at least one while pieces follow them, keep every run of copied pieces on one side of the edit.
    if (change.fresh.length === 0) return undefined;
    const freshEnd = change.at + change.fresh.length;
    // A piece after the edited ones was this many places further in the last run.
    const shift = change.replaced.length - change.fresh.length;
    const dirty = new Set<number>();
    for (let k = change.at; k < freshEnd; k++) dirty.add(k);
    for (const doc of changedDocs) {
      const k = ownerIndex(placed, doc);
      if (k !== -1) dirty.add(k);
    }
    const order = [...dirty].sort((a, b) => a - b);
    const out: Finding[] = [];
    const starts = new Int32Array(placed.length + 1);
    let k = 0;
    // Pieces k to `to` (none of them edited) keep their findings, moved with the text after the edit.
    const copy = (to: number): void => {
      if (k >= to) return;
      const old = k < change.at ? k : k + shift;
      const last = old + (to - k);
      const base = out.length - (prev.starts[old] as number);
      for (let j = 0; j < to - k; j++) starts[k + j] = (prev.starts[old + j] as number) + base;
      const end = prev.starts[last] as number;
      if (k < change.at || (change.delta === 0 && change.lineDelta === 0)) for (let x = prev.starts[old] as number; x < end; x++) out.push(prev.findings[x] as Finding);
      else for (let x = prev.starts[old] as number; x < end; x++) out.push(moved(prev.findings[x] as Finding, change.delta, change.lineDelta));
      k = to;
    };
    for (const d of order) {
      copy(d);
      starts[d] = out.length;
      for (const f of this.pieceFindings(placed[d] as Placed, sets, ctx)) {
        if (!f.range) return undefined;
        out.push(f);
      }
      k = d + 1;
    }
    copy(placed.length);
    starts[placed.length] = out.length;
    this.lastOut = { placed, settingsKey: this.settingsKey, findings: out, starts };
    return out;
  }

  /**
   * Set-rule findings relative to the piece that holds their object, by that piece's first document
   * index. Rules run again only when what they read changed; after an edit that kept it, only the
   * edited pieces' findings are made relative again.
   */
  private setRuleFindings(placed: readonly Placed[], ctx: RuleContext): SetFindings {
    const last = this.lastSet?.settingsKey === this.settingsKey ? this.lastSet : undefined;
    const change = this.change?.from === last?.placed ? this.change : undefined;
    let problems: Map<number, Problem[]>;
    if (last && change && !change.docsMoved && sameInputs(change.replaced, change.fresh)) {
      // Same inputs: the problems stand; the buckets of the edited documents are made again.
      const [from, to] = change.docs;
      const byDoc = new Map(last.findings.byDoc);
      for (let doc = from; doc < to; doc++) byDoc.delete(doc);
      const findings = this.bucket(placed, last.problems, (doc) => doc >= from && doc < to, byDoc);
      // Only the edited documents' buckets are new, and their pieces are placed again anyway.
      findings.changedDocs = new Set();
      this.lastSet = { ...last, placed, findings };
      // The groups hold the replaced pieces' objects; their inputs are the new ones'.
      if (this.groupsAt === change.from) this.groupsAt = placed;
      return findings;
    } else if (last && !change && sameInputs(last.placed, placed)) {
      problems = last.problems;
    } else {
      problems = new Map();
      for (const [ruleIndex, rule] of rules.entries()) {
        if (rule.scope !== 'set' || this.settings.rules[rule.id] === 'off') continue;
        if (!isGrouped(rule)) {
          problems.set(ruleIndex, rule.check(ctx));
          continue;
        }
        let groups = this.groupsByRule.get(rule);
        if (!groups) this.groupsByRule.set(rule, (groups = new SetRuleGroups(rule)));
        // After an edit that moved no other document, only the groups it touched are checked again.
        const local =
          change && !change.docsMoved && this.groupsAt === change.from
            ? groups.update(this.settings, change.docs[0], change.docs[1], membersOf(rule, change.replaced).flat(), membersOf(rule, change.fresh).flat())
            : undefined;
        problems.set(ruleIndex, local ?? groups.problems(this.settings, membersOf(rule, placed)));
      }
    }
    const findings = this.bucket(placed, problems, () => true, new Map());
    // With the documents where they were, the buckets that differ from the last run's say which pieces to place again.
    if (last && change && !change.docsMoved) findings.changedDocs = changedBuckets(last.findings.byDoc, findings.byDoc);
    this.lastSet = { settingsKey: this.settingsKey, problems, placed, findings };
    this.groupsAt = placed;
    return findings;
  }


  /** Sort set-rule problems into the pieces that hold their objects (for the documents `want` names). */
  private bucket(placed: readonly Placed[], problems: Map<number, Problem[]>, want: (doc: number) => boolean, byDoc: Map<number, { piece: Piece; list: RelativeFinding[] }>): SetFindings {
    const unplacedFindings: Finding[] = [];
    const built = new Set<number>();
    for (const [ruleIndex, rule] of rules.entries()) {
      const list = problems.get(ruleIndex);
      const configured = this.settings.rules[rule.id];
      if (!list || rule.scope !== 'set' || configured === 'off') continue;
      const severity = configured ?? rule.defaultSeverity;
      for (const problem of list) {
        const p = owner(placed, problem.object);
        if (!p) {
          unplacedFindings.push(unplaced(rule, problem, severity));
          continue;
        }
        if (!built.has(p.docIndex) && !want(p.docIndex)) continue;
        let bucket = byDoc.get(p.docIndex);
        if (!bucket || !built.has(p.docIndex)) {
          bucket = { piece: p.piece, list: [] };
          byDoc.set(p.docIndex, bucket);
          built.add(p.docIndex);
        }
        bucket.list.push(this.relativeOf(problem, rule, p, severity));
      }
    }
    return { byDoc, unplaced: unplacedFindings };
  }

  // Reused between runs: a set-rule problem made relative to its piece, and a piece's findings where it sits.
  private relatives = new WeakMap<Problem, { piece: Piece; docBase: number; severity: Severity; finding: RelativeFinding }>();
  private mergedCache = new WeakMap<Piece, { own: readonly RelativeFinding[]; set: RelativeFinding[]; rel: readonly RelativeFinding[] }>();

  private relativeOf(problem: Problem, rule: Rule, p: Placed, severity: Severity): RelativeFinding {
    const hit = this.relatives.get(problem);
    if (hit && hit.piece === p.piece && hit.docBase === p.docIndex && hit.severity === severity) return hit.finding;
    const finding = relative(rule, problem, p.piece, p.docIndex, severity);
    this.relatives.set(problem, { piece: p.piece, docBase: p.docIndex, severity, finding });
    return finding;
  }

  private placedFindings(p: Placed, own: readonly RelativeFinding[], set: RelativeFinding[] | undefined): Finding[] {
    const rel = set ? this.merged(p.piece, own, set) : own;
    const hit = p.found;
    const findings = hit?.rel === rel && hit.offset === p.offset && hit.line === p.line && hit.docIndex === p.docIndex ? hit.findings : rel.map((r) => place(r, p));
    p.found = { piece: p.piece, settingsKey: this.settingsKey, set, rel, offset: p.offset, line: p.line, docIndex: p.docIndex, findings };
    return findings;
  }

  /** A piece's object-rule and set-rule findings in sorted order; the same array while they are the same. */
  private merged(piece: Piece, own: readonly RelativeFinding[], set: RelativeFinding[]): readonly RelativeFinding[] {
    const hit = this.mergedCache.get(piece);
    if (hit && hit.own === own && sameArray(hit.set, set)) return hit.rel;
    const rel = [...own, ...set].sort(compareRelative);
    this.mergedCache.set(piece, { own, set, rel });
    return rel;
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

const setRules = rules.filter((r): r is SetRule => r.scope === 'set');

function isGrouped(rule: SetRule): rule is GroupedSetRule {
  return rule.groupsOf !== undefined && rule.groupOf !== undefined;
}

function membersOf(rule: GroupedSetRule, placed: readonly Placed[]): (readonly GroupMember[])[] {
  const out: (readonly GroupMember[])[] = [];
  for (const p of placed) {
    const members = p.piece.members(rule, p.docIndex);
    if (members.length > 0) out.push(members);
  }
  return out;
}

/** Set-rule findings by the first document index of the piece that holds them, and those no piece holds. */
interface SetFindings {
  byDoc: Map<number, { piece: Piece; list: RelativeFinding[] }>;
  unplaced: Finding[];
  /** The documents whose buckets changed since the last run, when that is known. */
  changedDocs?: Set<number>;
}

function changedBuckets(a: SetFindings['byDoc'], b: SetFindings['byDoc']): Set<number> {
  const out = new Set<number>();
  for (const [doc, x] of a) {
    const y = b.get(doc);
    if (!y || y.piece !== x.piece || !sameArray(x.list, y.list)) out.add(doc);
  }
  for (const doc of b.keys()) if (!a.has(doc)) out.add(doc);
  return out;
}

/** A finding `delta` characters and `lineDelta` lines further on. */
function moved(f: Finding, delta: number, lineDelta: number): Finding {
  return placedAt(f, f.docIndex, f.range && shiftBy(f.range, delta, lineDelta));
}

/**
 * The pieces with objects in both lists hold the same set-rule inputs at the same documents: set
 * rules, which read only those inputs and document indexes, give the same problems.
 */
function sameInputs(a: readonly Placed[], b: readonly Placed[]): boolean {
  const x = a.filter((p) => p.piece.file.objects.length > 0);
  const y = b.filter((p) => p.piece.file.objects.length > 0);
  return x.length === y.length && x.every((p, i) => p.docIndex === y[i]?.docIndex && (p.piece === y[i]?.piece || p.piece.signature === y[i]?.piece.signature));
}

/** A piece of the stream where it sits in this run. */
interface Placed {
  piece: Piece;
  offset: number;
  line: number;
  docIndex: number;
  /** Its findings placed where it was then, kept while the piece does not move. */
  found:
    | { piece: Piece; settingsKey: string; set: RelativeFinding[] | undefined; rel: readonly RelativeFinding[]; offset: number; line: number; docIndex: number; findings: Finding[] }
    | undefined;
}

/** A finding relative to its piece: ranges from the piece's start, docIndex within the piece. */
interface RelativeFinding {
  finding: Finding;
}

/** One or more YAML documents parsed on their own; shared by every place the same text appears. */
class Piece {
  readonly file: ParsedFile;
  readonly lineBreaks: number;
  readonly hasErrors: boolean;
  private results: RelativeFinding[] | undefined;
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

  /** What the set rules read from this piece's objects: equal signatures give them equal problems. */
  get signature(): string {
    if (this.signatureText === undefined) {
      const inputs = setRules.map((rule) => this.inputsOf(rule));
      let sig = '';
      this.file.objects.forEach((o, i) => {
        sig += `${o.origin.type === 'file' ? o.origin.docIndex : ''}\u0001`;
        for (const list of inputs) sig += `${list[i] as string}\u0001`;
      });
      this.signatureText = sig;
    }
    return this.signatureText;
  }

  private inputs = new Map<SetRule, string[]>();

  /** What a set rule reads from each of this piece's objects. */
  private inputsOf(rule: SetRule): string[] {
    let list = this.inputs.get(rule);
    if (!list) this.inputs.set(rule, (list = this.file.objects.map((o) => rule.inputOf(o))));
    return list;
  }

  private memberLists = new Map<GroupedSetRule, { docBase: number; members: GroupMember[] }>();

  /** This piece's objects as a grouped set rule sees them, placed at `docBase`. */
  members(rule: GroupedSetRule, docBase: number): readonly GroupMember[] {
    if (this.file.objects.length === 0) return [];
    const hit = this.memberLists.get(rule);
    if (hit?.docBase === docBase) return hit.members;
    const inputs = this.inputsOf(rule);
    const objects = this.globals(docBase);
    const members: GroupMember[] = [];
    this.file.objects.forEach((o, i) => {
      const groups = rule.groupsOf(o);
      if (groups.length > 0) members.push({ object: objects[i] as ManifestObject, input: inputs[i] as string, groups });
    });
    this.memberLists.set(rule, { docBase, members });
    return members;
  }

  /** Where a path sits in this piece; set-rule findings ask for the same few places on every run. */
  locate(docIndex: number, path: readonly (string | number)[], part: 'key' | 'value' | 'pair'): Range | undefined {
    const key = `${docIndex}\u0000${part}\u0000${path.join('\u0000')}`;
    if (!this.ranges.has(key)) this.ranges.set(key, this.file.locate(docIndex, path, part));
    return this.ranges.get(key);
  }

  /** Object-rule findings for this piece in the order `analyze` sorts them, computed once per settings. */
  objectFindings(settings: Settings, settingsKey: string, ctx: RuleContext): readonly RelativeFinding[] {
    if (settingsKey !== this.resultsKey || !this.results) {
      const out: RelativeFinding[] = [];
      for (const rule of rules) {
        const configured = settings.rules[rule.id];
        if (rule.scope !== 'object' || configured === 'off') continue;
        const severity = configured ?? rule.defaultSeverity;
        for (const o of this.file.objects) for (const problem of rule.check(o, ctx)) out.push(relative(rule, problem, this, 0, severity));
      }
      this.results = out.sort(compareRelative);
      this.resultsKey = settingsKey;
    }
    return this.results;
  }
}

/** The finding `analyze` would build, relative to the piece (`docBase` is subtracted from global docIndex). */
function relative(rule: Rule, p: Problem, piece: Piece, docBase: number, severity: Severity): RelativeFinding {
  const f: Finding = { rule: rule.id, severity, message: p.message, object: refOf(p.object), path: p.path, fixes: p.fixes ?? [] };
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
  return placed[ownerIndex(placed, object.origin.docIndex)];
}

/** The index of the placed piece that holds a document, or -1. */
function ownerIndex(placed: readonly Placed[], doc: number): number {
  const lo = lastAtOrBefore(placed, 'docIndex', doc);
  // Pieces without documents share an index with the next one: take the one that has it.
  for (let i = lo; i >= 0; i--) {
    const p = placed[i] as Placed;
    if (p.docIndex <= doc && doc < p.docIndex + p.piece.file.docCount) return i;
  }
  return -1;
}

function place(r: RelativeFinding, p: Placed): Finding {
  const f = r.finding;
  return placedAt(f, f.docIndex === undefined ? undefined : f.docIndex + p.docIndex, f.range && shiftRange(f.range, p));
}

/**
 * `f` at another document index and range. One literal with every key, in the order analyze()
 * writes them: one allocation, one shape. Keys analyze() leaves out are undefined here, which JSON
 * and deep equality read as absent.
 */
function placedAt(f: Finding, docIndex: number | undefined, range: Range | undefined): Finding {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    object: f.object,
    path: f.path,
    fixes: f.fixes,
    data: f.data,
    fileName: f.fileName,
    docIndex,
    itemPath: docIndex === undefined ? undefined : f.itemPath,
    range,
  };
}

function unplaced(rule: Rule, p: Problem, severity: Severity): Finding {
  const f: Finding = { rule: rule.id, severity, message: p.message, object: refOf(p.object), path: p.path, fixes: p.fixes ?? [] };
  if (p.data) f.data = p.data;
  return f;
}

function shiftRange(r: Range, p: Placed): Range {
  return shiftBy(r, p.offset, p.line);
}

function shiftBy(r: Range, delta: number, lineDelta: number): Range {
  return {
    start: { line: r.start.line + lineDelta, character: r.start.character, offset: r.start.offset + delta },
    end: { line: r.end.line + lineDelta, character: r.end.character, offset: r.end.offset + delta },
  };
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

/** Where the text changed: `start` to `oldEnd` in the last text became `start` to `newEnd` in this one. */
export interface ChangedRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Fold one more edit (offset and length of the replaced text in the current text, and the length
 * of what replaced it, as VS Code reports them) into the range that covers the edits since the last
 * analysis. Several edits of one event are folded one by one, each with its own offset.
 */
export function coverChange(covered: ChangedRange | undefined, offset: number, removed: number, inserted: number): ChangedRange {
  const edit = { start: offset, oldEnd: offset + removed, newEnd: offset + inserted };
  if (!covered) return edit;
  const d1 = covered.newEnd - covered.oldEnd;
  const d2 = edit.newEnd - edit.oldEnd;
  const start = Math.min(covered.start, edit.start);
  // The last text's tail after both edits is unchanged; where it starts, in the last text's offsets.
  const oldEnd = Math.max(covered.oldEnd, edit.oldEnd - d1);
  return { start, oldEnd, newEnd: oldEnd + d1 + d2 };
}

/** The piece that holds `offset` (the last one for the end of the text). */
function pieceAt(placed: readonly Placed[], offset: number): number {
  return lastAtOrBefore(placed, 'offset', offset);
}

/** The last piece whose `key` is at most `value` (0 when none is); pieces are in order of both keys. */
function lastAtOrBefore(placed: readonly Placed[], key: 'offset' | 'docIndex', value: number): number {
  let lo = 0;
  let hi = placed.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((placed[mid] as Placed)[key] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A `---` line starts at `offset` (which is a line start). */
function isMarkerLine(text: string, offset: number): boolean {
  if (!text.startsWith('---', offset)) return false;
  const c = text.charCodeAt(offset + 3);
  return Number.isNaN(c) || c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * Where two texts differ: `a.slice(start, oldEnd)` became `b.slice(start, newEnd)`. Equal runs are
 * compared as slices, which the engine does natively, in steps that grow while they match.
 */
export function changedRange(a: string, b: string): ChangedRange {
  const max = Math.min(a.length, b.length);
  let s = 0;
  for (let step = 256; step > 0; ) {
    if (s + step <= max && a.slice(s, s + step) === b.slice(s, s + step)) {
      s += step;
      step *= 2;
    } else step >>= 1;
  }
  const room = max - s;
  let e = 0;
  for (let step = 256; step > 0; ) {
    if (e + step <= room && a.slice(a.length - e - step, a.length - e) === b.slice(b.length - e - step, b.length - e)) {
      e += step;
      step *= 2;
    } else step >>= 1;
  }
  return { start: s, oldEnd: a.length - e, newEnd: b.length - e };
}

function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

function compareRelative(a: RelativeFinding, b: RelativeFinding): number {
  return compareFindings(a.finding, b.finding);
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.fileName !== b.fileName) return (a.fileName ?? '') < (b.fileName ?? '') ? -1 : 1;
  return (a.range?.start.offset ?? 0) - (b.range?.start.offset ?? 0) || a.rule.localeCompare(b.rule);
}
