// Set-rule findings between runs: rules run again only when what they read changed, grouped rules
// only for the groups an edit touched, and findings are made relative to their pieces once.
import type { GroupedSetRule, Problem, Rule, RuleContext, SetRule, Severity } from '../../rules/rule.js';
import type { Settings } from '../../settings.js';
import { enabledRules } from '../enabled-rules.js';
import { buildFinding } from '../finding.js';
import type { Finding } from '../finding.js';
import type { Piece, RelativeFinding } from './piece.js';
import type { PieceChange } from './piece-cache.js';
import { pieceOfObject } from './placement.js';
import type { Placed } from './placement.js';
import { SetRuleGroups } from './set-rule-groups.js';
import type { GroupMember } from './set-rule-groups.js';

/** Set-rule findings by the first document index of the piece that holds them, and those no piece holds. */
export interface SetFindings {
  byDoc: Map<number, SetBucket>;
  unplaced: Finding[];
  /** The documents whose buckets changed since the last run, when that is known. */
  changedDocs?: Set<number>;
}

/** The set-rule findings of one piece's documents, relative to the piece. */
export interface SetBucket {
  piece: Piece;
  list: RelativeFinding[];
}

export class SetRuleCache {
  private last: { settingsKey: string; problems: Map<Rule, Problem[]>; placed: readonly Placed[]; findings: SetFindings } | undefined;
  private groupsByRule = new Map<SetRule, SetRuleGroups>();
  /** The pieces the groups were last brought up to date with. */
  private groupsSyncedWith: readonly Placed[] | undefined;
  /** A set-rule problem made relative to its piece, reused while the problem stands. */
  private relatives = new WeakMap<Problem, { piece: Piece; firstDoc: number; severity: Severity; finding: RelativeFinding }>();

  /** Settings changed: the groups were checked with the old ones. */
  reset(): void {
    this.groupsByRule.clear();
    this.groupsSyncedWith = undefined;
  }

  /**
   * Set-rule findings relative to the piece that holds their object, by that piece's first document
   * index. `pieceChange` is what the pieces' recut changed, if they were recut. After an edit that
   * kept what the rules read, only the edited pieces' findings are made relative again.
   */
  findings(placed: readonly Placed[], ctx: RuleContext, settings: Settings, settingsKey: string, pieceChange: PieceChange | undefined): SetFindings {
    const last = this.last?.settingsKey === settingsKey ? this.last : undefined;
    const change = pieceChange?.from === last?.placed ? pieceChange : undefined;
    let problems: Map<Rule, Problem[]>;
    if (last && change && !change.docsMoved && sameInputs(change.replaced, change.fresh)) {
      // Same inputs: the problems stand; the buckets of the edited documents are made again.
      const [from, to] = change.docs;
      const byDoc = new Map(last.findings.byDoc);
      for (let doc = from; doc < to; doc++) byDoc.delete(doc);
      const findings = this.bucket(placed, settings, last.problems, (doc) => doc >= from && doc < to, byDoc);
      // Only the edited documents' buckets are new, and their pieces are placed again anyway.
      findings.changedDocs = new Set();
      this.last = { ...last, placed, findings };
      // The groups hold the replaced pieces' objects; their inputs are the new ones'.
      if (this.groupsSyncedWith === change.from) this.groupsSyncedWith = placed;
      return findings;
    } else if (last && !change && sameInputs(last.placed, placed)) {
      problems = last.problems;
    } else {
      problems = new Map();
      for (const { rule } of enabledRules(settings)) {
        if (rule.scope !== 'set') continue;
        if (!isGrouped(rule)) {
          problems.set(rule, rule.check(ctx));
          continue;
        }
        let groups = this.groupsByRule.get(rule);
        if (!groups) this.groupsByRule.set(rule, (groups = new SetRuleGroups(rule)));
        // After an edit that moved no other document, only the groups it touched are checked again.
        const local =
          change && !change.docsMoved && this.groupsSyncedWith === change.from
            ? groups.update(settings, change.docs[0], change.docs[1], membersOf(rule, change.replaced).flat(), membersOf(rule, change.fresh).flat())
            : undefined;
        problems.set(rule, local ?? groups.problems(settings, membersOf(rule, placed)));
      }
    }
    const findings = this.bucket(placed, settings, problems, () => true, new Map());
    // With the documents where they were, the buckets that differ from the last run's say which pieces to place again.
    if (last && change && !change.docsMoved) findings.changedDocs = changedBuckets(last.findings.byDoc, findings.byDoc);
    this.last = { settingsKey, problems, placed, findings };
    this.groupsSyncedWith = placed;
    return findings;
  }

  /** Sort set-rule problems into the pieces that hold their objects (for the documents `want` names). */
  private bucket(placed: readonly Placed[], settings: Settings, problems: Map<Rule, Problem[]>, want: (doc: number) => boolean, byDoc: Map<number, SetBucket>): SetFindings {
    const unplaced: Finding[] = [];
    const built = new Set<number>();
    for (const { rule, severity } of enabledRules(settings)) {
      const list = problems.get(rule);
      if (!list || rule.scope !== 'set') continue;
      for (const problem of list) {
        const p = pieceOfObject(placed, problem.object);
        if (!p) {
          unplaced.push(buildFinding(rule.id, problem, severity));
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
    return { byDoc, unplaced };
  }

  private relativeOf(problem: Problem, rule: Rule, p: Placed, severity: Severity): RelativeFinding {
    const cached = this.relatives.get(problem);
    if (cached && cached.piece === p.piece && cached.firstDoc === p.docIndex && cached.severity === severity) return cached.finding;
    const finding = p.piece.relativeFinding(rule.id, problem, severity, p.docIndex);
    this.relatives.set(problem, { piece: p.piece, firstDoc: p.docIndex, severity, finding });
    return finding;
  }
}

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

function changedBuckets(a: SetFindings['byDoc'], b: SetFindings['byDoc']): Set<number> {
  const out = new Set<number>();
  for (const [doc, x] of a) {
    const y = b.get(doc);
    if (!y || y.piece !== x.piece || !sameItems(x.list, y.list)) out.add(doc);
  }
  for (const doc of b.keys()) if (!a.has(doc)) out.add(doc);
  return out;
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

/** The same items in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
