import type { JsonPath } from '../model/manifest-object.js';
import { isObj } from '../model/value.js';

/**
 * The part of an OpenAPI v3 structural schema (as a CRD serves it) that the API server's pruning,
 * defaulting and validation read. `$ref` points into the table's `defs`, where the generator keeps
 * subtrees that occur more than once.
 */
export interface SchemaNode {
  $ref?: number;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  minLength?: number;
  maximum?: number;
  minimum?: number;
  maxItems?: number;
  minItems?: number;
  maxProperties?: number;
  minProperties?: number;
  default?: unknown;
  nullable?: boolean;
  anyOf?: SchemaNode[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

export interface SchemaTable {
  defs: SchemaNode[];
  /** Per cert-manager minor version ("1.11"): the release the CRD came from and its solvers schema. */
  roots: Record<string, { release: string; solvers: SchemaNode }>;
}

export interface SchemaProblem {
  /** Path relative to the validated value. */
  path: JsonPath;
  kind: 'unknown-field' | 'type' | 'required' | 'enum' | 'pattern' | 'length' | 'range';
  message: string;
}

/** A schema node with its `$ref` followed. */
export function resolve(table: SchemaTable, s: SchemaNode): SchemaNode {
  let node = s;
  while (node.$ref !== undefined) node = table.defs[node.$ref] ?? {};
  return node;
}

/** The schema of a property, or of a map's values; undefined when the object does not declare it. */
export function childSchema(table: SchemaTable, s: SchemaNode, key: string | number): SchemaNode | undefined {
  const node = resolve(table, s);
  if (typeof key === 'number') return node.items && resolve(table, node.items);
  const prop = node.properties?.[key];
  if (prop) return resolve(table, prop);
  return typeof node.additionalProperties === 'object' ? resolve(table, node.additionalProperties) : undefined;
}

/** The schema at a path below `s`. */
export function schemaAt(table: SchemaTable, s: SchemaNode, path: JsonPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = resolve(table, s);
  for (const seg of path) {
    if (!node) return undefined;
    node = childSchema(table, node, seg);
  }
  return node;
}

// The API server prunes a null value of a field that is not nullable before it defaults and
// validates, so such a field counts as not written.
function absent(table: SchemaTable, v: unknown, s: SchemaNode | undefined): boolean {
  return v === undefined || (v === null && !(s && resolve(table, s).nullable));
}

/**
 * The value as the API server stores it after defaulting: every missing (or null) property whose
 * schema has a default gets it, at every depth. Returns the same object when nothing changes, so
 * callers can compare by identity.
 */
export function applyDefaults(table: SchemaTable, value: unknown, schema: SchemaNode): unknown {
  const s = resolve(table, schema);
  if (Array.isArray(value)) {
    if (!s.items) return value;
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const d = applyDefaults(table, item, s.items as SchemaNode);
      if (d !== item) (out ??= [...value])[i] = d;
    });
    return out ?? value;
  }
  if (!isObj(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    const child = resolve(table, sub);
    const v = value[key];
    if (absent(table, v, child)) {
      if (child.default !== undefined) (out ??= { ...value })[key] = structuredClone(child.default);
      continue;
    }
    const d = applyDefaults(table, v, child);
    if (d !== v) (out ??= { ...value })[key] = d;
  }
  if (typeof s.additionalProperties === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (s.properties?.[key]) continue;
      const d = applyDefaults(table, v, s.additionalProperties);
      if (d !== v) (out ??= { ...value })[key] = d;
    }
  }
  return out ?? value;
}

/**
 * What the API server rejects in a value: fields the schema does not know (rejected under strict
 * field validation, kubectl's default, and dropped without it), wrong types, missing required
 * fields, values outside an enum, pattern, length or range. Run it on the defaulted value.
 */
export function validateSchema(table: SchemaTable, value: unknown, schema: SchemaNode, path: JsonPath = []): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  visit(table, value, resolve(table, schema), path, out);
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(s: SchemaNode, v: unknown): boolean {
  const t = typeOf(v);
  if (s['x-kubernetes-int-or-string']) return t === 'integer' || t === 'string';
  if (!s.type) return true;
  if (s.type === 'number') return t === 'integer' || t === 'number';
  return s.type === t;
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const TYPE_WORDS: Record<string, string> = { object: 'mapping', array: 'list', string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', null: 'null' };

function visit(table: SchemaTable, v: unknown, s: SchemaNode, path: JsonPath, out: SchemaProblem[]): void {
  if (s.anyOf && !s['x-kubernetes-int-or-string']) {
    const ok = s.anyOf.some((alt) => validateSchema(table, v, alt).length === 0);
    if (!ok) out.push({ path, kind: 'type', message: `has a value none of its allowed forms accept` });
  }
  if (!typeMatches(s, v)) {
    const want = s['x-kubernetes-int-or-string'] ? 'an integer or a string' : article(TYPE_WORDS[s.type ?? ''] ?? String(s.type));
    out.push({ path, kind: 'type', message: `must be ${want}, not ${article(TYPE_WORDS[typeOf(v)] ?? typeOf(v))}` });
    return;
  }
  if (s.enum && !s.enum.some((e) => e === v)) {
    out.push({ path, kind: 'enum', message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}, not ${JSON.stringify(v)}` });
  }
  if (typeof v === 'string') checkString(s, v, path, out);
  if (typeof v === 'number') {
    if (s.maximum !== undefined && v > s.maximum) out.push({ path, kind: 'range', message: `must be at most ${s.maximum}` });
    if (s.minimum !== undefined && v < s.minimum) out.push({ path, kind: 'range', message: `must be at least ${s.minimum}` });
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) out.push({ path, kind: 'length', message: `may have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems) out.push({ path, kind: 'length', message: `needs at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}` });
    if (s.items) {
      const items = resolve(table, s.items);
      v.forEach((item, i) => visit(table, item, items, [...path, i], out));
    }
  }
  if (isObj(v)) visitObject(table, v, s, path, out);
}

function checkString(s: SchemaNode, v: string, path: JsonPath, out: SchemaProblem[]): void {
  // Kubernetes counts characters (runes), not UTF-16 units.
  const length = [...v].length;
  if (s.maxLength !== undefined && length > s.maxLength) out.push({ path, kind: 'length', message: `may be at most ${s.maxLength} characters long` });
  if (s.minLength !== undefined && length < s.minLength) out.push({ path, kind: 'length', message: s.minLength === 1 ? 'may not be empty' : `must be at least ${s.minLength} characters long` });
  if (s.pattern !== undefined && !patternOf(s.pattern).test(v)) out.push({ path, kind: 'pattern', message: `${JSON.stringify(v)} does not match ${s.pattern}` });
}

const patterns = new Map<string, RegExp>();
function patternOf(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) patterns.set(source, (re = new RegExp(source, 'u')));
  return re;
}

function visitObject(table: SchemaTable, v: Record<string, unknown>, s: SchemaNode, path: JsonPath, out: SchemaProblem[]): void {
  const props = s.properties ?? {};
  for (const name of s.required ?? []) {
    if (absent(table, v[name], props[name])) out.push({ path: [...path, name], kind: 'required', message: 'is required' });
  }
  const keys = Object.keys(v);
  if (s.maxProperties !== undefined && keys.length > s.maxProperties) out.push({ path, kind: 'length', message: `may have at most ${s.maxProperties} entries` });
  if (s.minProperties !== undefined && keys.length < s.minProperties) out.push({ path, kind: 'length', message: `needs at least ${s.minProperties} entr${s.minProperties === 1 ? 'y' : 'ies'}` });
  for (const key of keys) {
    const sub = props[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    const child = sub && resolve(table, sub);
    if (!child) {
      if (s['x-kubernetes-preserve-unknown-fields'] || s.additionalProperties === true) continue;
      out.push({ path: [...path, key], kind: 'unknown-field', message: unknownFieldMessage(table, s, key) });
      continue;
    }
    if (absent(table, v[key], child)) continue;
    visit(table, v[key], child, [...path, key], out);
  }
}

/** "unknown field", with the field the user most likely meant: same name in other case, a near spelling, or one level down. */
function unknownFieldMessage(table: SchemaTable, s: SchemaNode, key: string): string {
  const known = Object.keys(s.properties ?? {});
  const hint = nearName(key, known);
  if (hint) return `unknown field "${key}"; did you mean "${hint}"?`;
  for (const parent of known) {
    const below = resolve(table, s.properties?.[parent] ?? {});
    if (below.properties?.[key]) return `unknown field "${key}" here; it belongs under "${parent}" (${parent}.${key})`;
  }
  return known.length > 0 ? `unknown field "${key}"; known fields here: ${known.join(', ')}` : `unknown field "${key}"`;
}

function nearName(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same) return same;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
