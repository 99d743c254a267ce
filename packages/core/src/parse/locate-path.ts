// Path → source offsets, in `yaml`'s documents (through aliases and merge keys) and in the fast reader's tree.
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import type { JsonPath } from '../model/manifest-object.js';
import type { SimpleNode } from './simple-yaml/nodes.js';

export type NodePart = 'key' | 'value' | 'pair';

export interface LocatedNode {
  /** The value node at the path (aliases resolved), or null when the key has no value. */
  node: Node | null;
  /** The pair whose key is the last path segment, when the last step was a map key. */
  pair?: Pair<unknown, unknown>;
  /** The collection that holds the last step. */
  parent?: Node;
  /** True when some step went through an alias or a merge key: the text that holds it is elsewhere. */
  viaAlias: boolean;
}

/** Walk a path from a document's root through maps, sequences, aliases and merge keys. */
export function locateIn(doc: Document.Parsed, path: JsonPath): LocatedNode | undefined {
  let node: Node | null = doc.contents;
  let pair: Pair<unknown, unknown> | undefined;
  let parent: Node | undefined;
  let viaAlias = false;
  for (const seg of path) {
    if (node && isAlias(node)) {
      node = (node.resolve(doc) as Node | undefined) ?? null;
      viaAlias = true;
    }
    if (!node) return undefined;
    parent = node;
    if (typeof seg === 'number') {
      if (!isSeq(node)) return undefined;
      node = (node.items[seg] as Node | undefined) ?? null;
      pair = undefined;
      if (node === undefined) return undefined;
    } else {
      if (!isMap(node)) return undefined;
      const found = findPair(doc, node, seg);
      if (!found) return undefined;
      pair = found.pair;
      if (found.viaMerge) viaAlias = true;
      parent = found.map;
      node = (found.pair.value as Node | null) ?? null;
    }
  }
  if (node && isAlias(node)) {
    node = (node.resolve(doc) as Node | undefined) ?? null;
    viaAlias = true;
  }
  const located: LocatedNode = { node, viaAlias };
  if (pair) located.pair = pair;
  if (parent) located.parent = parent;
  return located;
}

/** `locate` in one of `yaml`'s documents. */
export function locateInYaml(doc: Document.Parsed | undefined, path: JsonPath, part: NodePart): [number, number] | undefined {
  if (!doc) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const loc = locateIn(doc, path.slice(0, n));
    if (!loc) continue;
    const keyNode = loc.pair && isScalar(loc.pair.key) ? loc.pair.key : undefined;
    const at = pick(keyNode?.range ?? undefined, loc.node?.range ?? undefined, part);
    if (at) return at;
  }
  return undefined;
}

/** The offsets `locate` answers from a key's and a value's range. */
function pick(key: readonly number[] | undefined, value: readonly number[] | undefined, part: NodePart): [number, number] | undefined {
  if (part === 'key' && key) return [key[0] as number, key[1] as number];
  if (part === 'value' && value) return [value[0] as number, value[1] as number];
  if (!key && !value) return undefined;
  return [(key ?? value)?.[0] as number, (value ?? key)?.[1] as number];
}

/** `locate` in the fast reader's tree; `collection` tells whether a collection's range was used. */
export function locateSimple(root: SimpleNode | null, path: JsonPath, part: NodePart): { offsets: [number, number]; collection: boolean } | undefined {
  // The deepest node the path reaches, with the key that led to it.
  const nodes: (SimpleNode | null)[] = [root];
  const keys: ([number, number] | undefined)[] = [undefined];
  let node = root;
  for (const seg of path) {
    let next: SimpleNode | undefined;
    let key: [number, number] | undefined;
    if (node?.type === 'seq' && typeof seg === 'number') next = node.items[seg];
    else if (node?.type === 'map' && typeof seg === 'string') {
      const entry = node.entries.find((e) => e.key === seg);
      if (entry) {
        next = entry.value;
        key = [entry.keyStart, entry.keyEnd];
      }
    }
    if (!next) break;
    node = next;
    nodes.push(next);
    keys.push(key);
  }
  for (let n = nodes.length - 1; n >= 0; n--) {
    const v = nodes[n];
    const key = keys[n];
    const value = v ? [v.start, v.end] : undefined;
    const offsets = pick(key, value, part);
    if (offsets) return { offsets, collection: v !== null && v !== undefined && v.type !== 'scalar' && !(part === 'key' && key) };
  }
  return undefined;
}

export function findPair(doc: Document.Parsed, map: YAMLMap, key: string, depth = 0): { pair: Pair<unknown, unknown>; map: YAMLMap; viaMerge: boolean } | undefined {
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && !isMergeKey(item.key) && String(item.key.value) === key) return { pair: item, map, viaMerge: false };
  }
  if (depth > 20) return undefined;
  // YAML merge keys (<<: *base or <<: [*a, *b]): a later source never overrides an earlier one.
  for (const item of map.items) {
    if (!isPair(item) || !isScalar(item.key) || !isMergeKey(item.key)) continue;
    const sources = isSeq(item.value) ? item.value.items : [item.value];
    for (const src of sources) {
      const resolved = isAlias(src) ? src.resolve(doc) : src;
      if (isMap(resolved)) {
        const found = findPair(doc, resolved, key, depth + 1);
        if (found) return { ...found, viaMerge: true };
      }
    }
  }
  return undefined;
}

function isMergeKey(key: Scalar): boolean {
  return typeof key.value === 'symbol' || (key.value === '<<' && key.type === Scalar.PLAIN);
}
