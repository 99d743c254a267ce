import type { ManifestObject } from '../../model/manifest-object.js';
import type { GroupedSetRule, Problem } from '../../rules/rule.js';
import type { Settings } from '../../settings.js';

/** One object as a grouped set rule sees it: what it reads from it and the groups it falls in. */
export interface GroupMember {
  object: ManifestObject;
  input: string;
  groups: readonly string[];
}

/** A group's members in document order, and its problems. */
interface Group {
  objects: ManifestObject[];
  inputs: string[];
  docs: number[];
  problems: Problem[];
}

/** More groups than this changed at once: one run over all objects is cheaper than a run per group. */
const MAX_GROUP_RUNS = 8;

/**
 * A set rule's problems, kept per group between runs, so that an edit checks again only the groups
 * it touched. The rule promises that checking a group's objects with the '*' ones (objects that
 * matter to every group) gives exactly that group's problems among those `check` gives for all
 * objects. Problems come group by group; callers sort findings by position, where that order and
 * `check`'s agree.
 */
export class SetRuleGroups {
  private groups = new Map<string, Group>();

  constructor(private readonly rule: GroupedSetRule) {}

  /** The rule's problems over all members, given piece by piece in document order. */
  problems(settings: Settings, lists: readonly (readonly GroupMember[])[]): Problem[] {
    const next = new Map<string, Group>();
    const all: ManifestObject[] = [];
    for (const list of lists) {
      for (const m of list) {
        all.push(m.object);
        for (const g of m.groups) {
          let group = next.get(g);
          if (!group) next.set(g, (group = { objects: [], inputs: [], docs: [], problems: [] }));
          group.objects.push(m.object);
          group.inputs.push(m.input);
          group.docs.push(docOf(m.object));
        }
      }
    }
    const starSame = sameMembers(this.groups.get('*'), next.get('*'));
    const stale = new Set([...next].filter(([g, group]) => !(starSame && sameMembers(this.groups.get(g), group))).map(([g]) => g));
    if (stale.size > MAX_GROUP_RUNS) {
      // One run over everything, its problems filed under their groups for the next time.
      const problems = this.rule.check({ settings, objects: all });
      const orphans: Problem[] = [];
      for (const p of problems) {
        const group = next.get(this.rule.groupOf(p));
        if (group) group.problems.push(p);
        else orphans.push(p);
      }
      this.groups = next;
      return orphans.length > 0 ? [...this.output(), ...orphans] : this.output();
    }
    for (const [g, group] of next) group.problems = stale.has(g) ? this.check(settings, group, next.get('*')) : (this.groups.get(g) as Group).problems;
    this.groups = next;
    return this.output();
  }

  /**
   * After an edit that left every other document where it was: the members of documents `from` to
   * `to` were `removed` and are now `added`. Only the groups those fall in are checked again.
   * Undefined when this cannot answer (objects that matter to every group changed, too many groups
   * changed, or no full run came before); call `problems` then.
   */
  update(settings: Settings, from: number, to: number, removed: readonly GroupMember[], added: readonly GroupMember[]): Problem[] | undefined {
    if (this.groups.size === 0) return undefined;
    const touched = new Set<string>();
    for (const m of [...removed, ...added]) for (const g of m.groups) touched.add(g);
    if (touched.has('*') || touched.size > MAX_GROUP_RUNS) return undefined;
    for (const g of touched) {
      const last = this.groups.get(g) ?? { objects: [], inputs: [], docs: [], problems: [] };
      // The group's members outside the edited documents stay; the edited documents' come in their place.
      const group: Group = { objects: [], inputs: [], docs: [], problems: [] };
      let k = 0;
      const take = (object: ManifestObject, input: string, doc: number): void => {
        group.objects.push(object);
        group.inputs.push(input);
        group.docs.push(doc);
      };
      for (; k < last.docs.length && (last.docs[k] as number) < from; k++) take(last.objects[k] as ManifestObject, last.inputs[k] as string, last.docs[k] as number);
      for (const m of added) if (m.groups.includes(g)) take(m.object, m.input, docOf(m.object));
      for (; k < last.docs.length && (last.docs[k] as number) < to; k++);
      for (; k < last.docs.length; k++) take(last.objects[k] as ManifestObject, last.inputs[k] as string, last.docs[k] as number);
      if (group.objects.length === 0) {
        this.groups.delete(g);
        continue;
      }
      group.problems = sameMembers(last, group) ? last.problems : this.check(settings, group, this.groups.get('*'));
      this.groups.set(g, group);
    }
    return this.output();
  }

  private check(settings: Settings, group: Group, star: Group | undefined): Problem[] {
    return this.rule.check({ settings, objects: star ? [...group.objects, ...star.objects] : group.objects });
  }

  private output(): Problem[] {
    const out: Problem[] = [];
    for (const group of this.groups.values()) for (const p of group.problems) out.push(p);
    return out;
  }
}

function sameMembers(a: Group | undefined, b: Group | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.inputs.length !== b.inputs.length) return false;
  for (let i = 0; i < a.inputs.length; i++) if (a.inputs[i] !== b.inputs[i] || a.docs[i] !== b.docs[i]) return false;
  return true;
}

function docOf(o: ManifestObject): number {
  return o.origin.type === 'file' ? o.origin.docIndex : -1;
}
