import type { JsonPath, ManifestObject } from '../../model/manifest-object.js';
import { ParsedFile } from '../../parse/parsed-file.js';
import { rules } from '../../rules/registry.js';
import type { GroupedSetRule, Problem, RuleContext, RuleId, SetRule, Severity } from '../../rules/rule.js';
import type { Settings } from '../../settings.js';
import type { Range } from '../../text/source-text.js';
import { enabledRules } from '../enabled-rules.js';
import { buildFinding, compareFindings } from '../finding.js';
import type { Finding } from '../finding.js';
import type { GroupMember } from './set-rule-groups.js';

/** A finding relative to its piece: ranges from the piece's start, docIndex within the piece. */
export interface RelativeFinding {
  finding: Finding;
}

const setRules = rules.filter((r): r is SetRule => r.scope === 'set');

/** One or more YAML documents parsed on their own; shared by every place the same text appears. */
export class Piece {
  readonly file: ParsedFile;
  readonly lineBreaks: number;
  readonly hasErrors: boolean;
  private objectRuleFindings: RelativeFinding[] | undefined;
  private objectRuleSettingsKey = '';
  private objectsByFirstDoc = new Map<number, ManifestObject[]>();
  private ranges = new Map<string, Range | undefined>();
  private signatureText: string | undefined;
  private inputs = new Map<SetRule, string[]>();
  private memberLists = new Map<GroupedSetRule, { firstDoc: number; members: GroupMember[] }>();

  constructor(fileName: string, text: string) {
    this.file = new ParsedFile(fileName, text);
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    this.lineBreaks = n;
    this.hasErrors = this.file.hasSyntaxErrors;
  }

  /** The piece's objects with the stream's document indexes, for a piece whose first document is `firstDoc`. */
  objectsAt(firstDoc: number): ManifestObject[] {
    let out = this.objectsByFirstDoc.get(firstDoc);
    if (!out) {
      if (this.objectsByFirstDoc.size > 3) this.objectsByFirstDoc.clear();
      out = this.file.objects.map((o) => ({ ...o, origin: o.origin.type === 'file' ? { ...o.origin, docIndex: o.origin.docIndex + firstDoc } : o.origin }));
      this.objectsByFirstDoc.set(firstDoc, out);
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

  /** What a set rule reads from each of this piece's objects. */
  private inputsOf(rule: SetRule): string[] {
    let list = this.inputs.get(rule);
    if (!list) this.inputs.set(rule, (list = this.file.objects.map((o) => rule.inputOf(o))));
    return list;
  }

  /** This piece's objects as a grouped set rule sees them, for a piece whose first document is `firstDoc`. */
  members(rule: GroupedSetRule, firstDoc: number): readonly GroupMember[] {
    if (this.file.objects.length === 0) return [];
    const cached = this.memberLists.get(rule);
    if (cached?.firstDoc === firstDoc) return cached.members;
    const inputs = this.inputsOf(rule);
    const objects = this.objectsAt(firstDoc);
    const members: GroupMember[] = [];
    this.file.objects.forEach((o, i) => {
      const groups = rule.groupsOf(o);
      if (groups.length > 0) members.push({ object: objects[i] as ManifestObject, input: inputs[i] as string, groups });
    });
    this.memberLists.set(rule, { firstDoc, members });
    return members;
  }

  /** Where a path sits in this piece; set-rule findings ask for the same few places on every run. */
  locate(docIndex: number, path: JsonPath, part: 'key' | 'value' | 'pair'): Range | undefined {
    const key = `${docIndex}\u0000${part}\u0000${path.join('\u0000')}`;
    if (!this.ranges.has(key)) this.ranges.set(key, this.file.locate(docIndex, path, part));
    return this.ranges.get(key);
  }

  /** The finding `analyze` would build for a problem, relative to this piece placed at `firstDoc`. */
  relativeFinding(rule: RuleId, problem: Problem, severity: Severity, firstDoc: number): RelativeFinding {
    return { finding: buildFinding(rule, problem, severity, (doc, path, part) => this.locate(doc, path, part), firstDoc) };
  }

  /** Object-rule findings for this piece in the order `analyze` sorts them, computed once per settings. */
  objectFindings(settings: Settings, settingsKey: string, ctx: RuleContext): readonly RelativeFinding[] {
    if (settingsKey !== this.objectRuleSettingsKey || !this.objectRuleFindings) {
      const out: RelativeFinding[] = [];
      for (const { rule, severity } of enabledRules(settings)) {
        if (rule.scope !== 'object') continue;
        for (const o of this.file.objects) for (const problem of rule.check(o, ctx)) out.push(this.relativeFinding(rule.id, problem, severity, 0));
      }
      this.objectRuleFindings = out.sort(compareRelative);
      this.objectRuleSettingsKey = settingsKey;
    }
    return this.objectRuleFindings;
  }
}

export function compareRelative(a: RelativeFinding, b: RelativeFinding): number {
  return compareFindings(a.finding, b.finding);
}
