import type { ManifestObject } from '../../model/manifest-object.js';
import type { RuleContext } from '../../rules/rule.js';
import { resolveSettings } from '../../settings.js';
import type { Settings } from '../../settings.js';
import { compareFindings } from '../finding.js';
import type { AnalyzeResult, Finding } from '../finding.js';
import type { ChangedRange } from './changed-range.js';
import { placedErrors, placedTemplateError } from './input-errors.js';
import { compareRelative } from './piece.js';
import type { Piece, RelativeFinding } from './piece.js';
import { PieceCache } from './piece-cache.js';
import type { PieceChange } from './piece-cache.js';
import { placeFinding } from './placement.js';
import type { Placed } from './placement.js';
import { SetRuleCache, sameItems } from './set-rule-cache.js';
import type { SetFindings } from './set-rule-cache.js';
import { spliceFindings } from './splice.js';
import type { FindingsByPiece } from './splice.js';

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
  private readonly pieces: PieceCache;
  private readonly setRules = new SetRuleCache();
  private last: { text: string; placed: Placed[]; clean: boolean } | undefined;
  /** What the last recut changed; undefined when the pieces were cut from scratch. */
  private pieceChange: PieceChange | undefined;
  /** The last run's findings, when they are in piece order (nothing was sorted in). */
  private lastFindings: FindingsByPiece | undefined;
  /** A piece's object-rule and set-rule findings merged, reused while both lists are the same. */
  private mergedByPiece = new WeakMap<Piece, { objectRule: readonly RelativeFinding[]; setRule: RelativeFinding[]; merged: readonly RelativeFinding[] }>();
  /** Counters of the last run, for tests and the bench. */
  lastRun = { pieces: 0, parsed: 0 };

  constructor(options: { fileName: string; settings?: Partial<Settings> }) {
    this.fileName = options.fileName;
    this.pieces = new PieceCache(options.fileName);
    this.settings = resolveSettings(options.settings);
    this.settingsKey = JSON.stringify(this.settings);
  }

  /** New settings keep the parse cache; only the per-piece rule results are recomputed. */
  setSettings(settings: Partial<Settings> | undefined): void {
    this.settings = resolveSettings(settings);
    this.settingsKey = JSON.stringify(this.settings);
    this.setRules.reset();
  }

  /**
   * Analyse the document's current text. `changed`, when given, covers every change since the last
   * call (see `coverChange`), so the text need not be compared with the last one to find the edit.
   */
  analyze(text: string, changed?: ChangedRange): AnalyzeResult {
    const last = this.last;
    // Recut only after a clean text (no error of any kind, so no merged pieces); it answers only for clean pieces.
    const recut = last?.clean && last.placed.length > 0 && text.length > 0 ? this.pieces.recut(last.text, last.placed, text, changed) : undefined;
    const cut = recut ?? this.pieces.cut(text, last?.placed);
    const placed = cut.placed;
    this.pieceChange = cut.change;
    this.lastRun = { pieces: placed.length, parsed: cut.parsed };
    const clean = placed === last?.placed ? last.clean : recut !== undefined || placed.every((p) => p.piece.file.errors.length === 0);
    this.last = { text, placed, clean };
    return this.run(text, placed, clean);
  }

  private run(text: string, placed: readonly Placed[], clean: boolean): AnalyzeResult {
    // A template marker anywhere means the file is not YAML yet: that error alone, as analyze reports.
    const template = clean ? undefined : placed.find((p) => p.piece.file.isTemplate);
    if (template) return { findings: [], errors: [placedTemplateError(template, this.fileName)] };

    // All objects are gathered only when a rule asks for them (set rules, when their input changed).
    let objects: ManifestObject[] | undefined;
    const ctx: RuleContext = {
      settings: this.settings,
      get objects(): ManifestObject[] {
        if (!objects) {
          objects = [];
          for (const p of placed) for (const o of p.piece.objectsAt(p.docIndex)) objects.push(o);
        }
        return objects;
      },
    };
    const sets = this.setRules.findings(placed, ctx, this.settings, this.settingsKey, this.pieceChange);
    const findingsOf = (p: Placed): readonly Finding[] => this.pieceFindings(p, sets, ctx);
    const last = this.lastFindings;
    const spliced =
      last && this.pieceChange && last.settingsKey === this.settingsKey && sets.changedDocs && sets.unplaced.length === 0
        ? spliceFindings(last, this.pieceChange, placed, sets.changedDocs, findingsOf)
        : undefined;
    if (spliced) {
      this.lastFindings = spliced;
      return { findings: spliced.findings as Finding[], errors: [] };
    }
    // Pieces are in text order and each one's findings are sorted: together they are sorted.
    const findings: Finding[] = [];
    const pieceStarts = new Int32Array(placed.length + 1);
    placed.forEach((p, k) => {
      pieceStarts[k] = findings.length;
      for (const f of findingsOf(p)) findings.push(f);
    });
    pieceStarts[placed.length] = findings.length;
    // A finding that could not be located sorts as if at offset 0, as in `analyze`.
    if (sets.unplaced.length > 0 || findings.some((f) => !f.range)) {
      findings.push(...sets.unplaced);
      findings.sort(compareFindings);
      this.lastFindings = undefined;
    } else this.lastFindings = { placed, settingsKey: this.settingsKey, findings, pieceStarts };
    return { findings, errors: clean ? [] : placedErrors(text, placed) };
  }

  /** A piece's findings where it sits now, with the set-rule findings of its documents. */
  private pieceFindings(p: Placed, sets: SetFindings, ctx: RuleContext): readonly Finding[] {
    const bucket = sets.byDoc.get(p.docIndex);
    // A piece without documents shares its index with the next piece: the bucket is that one's.
    const setRule = bucket?.piece === p.piece ? bucket.list : undefined;
    const kept = p.placement;
    // Unmoved, same piece, same settings, same set-rule findings: the findings placed last time.
    if (kept?.piece === p.piece && kept.settingsKey === this.settingsKey && kept.setFindings === setRule && kept.offset === p.offset && kept.line === p.line && kept.docIndex === p.docIndex) return kept.findings;
    const objectRule = p.piece.objectFindings(this.settings, this.settingsKey, ctx);
    const relative = setRule ? this.merged(p.piece, objectRule, setRule) : objectRule;
    const findings = kept?.relativeFindings === relative && kept.offset === p.offset && kept.line === p.line && kept.docIndex === p.docIndex ? kept.findings : relative.map((r) => placeFinding(r, p));
    p.placement = { piece: p.piece, settingsKey: this.settingsKey, setFindings: setRule, relativeFindings: relative, offset: p.offset, line: p.line, docIndex: p.docIndex, findings };
    return findings;
  }

  /** A piece's object-rule and set-rule findings in sorted order; the same array while they are the same. */
  private merged(piece: Piece, objectRule: readonly RelativeFinding[], setRule: RelativeFinding[]): readonly RelativeFinding[] {
    const cached = this.mergedByPiece.get(piece);
    if (cached && cached.objectRule === objectRule && sameItems(cached.setRule, setRule)) return cached.merged;
    const merged = [...objectRule, ...setRule].sort(compareRelative);
    this.mergedByPiece.set(piece, { objectRule, setRule, merged });
    return merged;
  }
}
