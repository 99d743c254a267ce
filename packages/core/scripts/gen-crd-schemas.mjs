#!/usr/bin/env node
// Generates src/schema/solver-schemas.generated.ts from cert-manager's published Issuer CRDs: the
// part of the schema the rules read (spec.acme.solvers), for one release of every minor version in
// cert-manager-releases.json, without descriptions, with repeated subtrees stored once. The full
// CRDs are far too large to bundle into the editor (the v1.21 Issuer CRD alone is 332 KB). Every
// minor has its own schema because fields arrive between them (gatewayHTTPRoute.podTemplate in 1.16,
// ingressClassName in 1.12): a version checked with a newer one's schema would be told to write a
// field its API server prunes.
//
//   node scripts/gen-crd-schemas.mjs            CRDs from each release's Go module (tools/cluster/cluster.sh crds)
//   node scripts/gen-crd-schemas.mjs --check    exits 1 when the generated file is stale
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'src', 'schema', 'solver-schemas.generated.ts');
const check = process.argv.includes('--check');
const releases = JSON.parse(readFileSync(join(here, 'cert-manager-releases.json'), 'utf8'));

/** The folder of one release's CRDs, fetched once into the cache by the cluster harness. */
function crdDir(release) {
  const script = join(here, '..', '..', '..', 'tools', 'cluster', 'cluster.sh');
  return execFileSync('bash', [script, 'crds'], { env: { ...process.env, TAPACME_CERT_MANAGER_VERSION: release }, encoding: 'utf8' }).trim();
}

// What validation, defaulting and pruning read; everything else (descriptions, list/map hints) goes.
const KEEP = new Set([
  'type', 'properties', 'items', 'required', 'enum', 'pattern', 'maxLength', 'minLength', 'maximum', 'minimum',
  'maxItems', 'minItems', 'maxProperties', 'minProperties', 'additionalProperties', 'default', 'nullable',
  'anyOf', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string',
]);

function prune(s) {
  if (Array.isArray(s)) return s.map(prune);
  if (typeof s !== 'object' || s === null) return s;
  const o = {};
  for (const [k, v] of Object.entries(s)) {
    if (!KEEP.has(k)) continue;
    if (k === 'properties') o[k] = Object.fromEntries(Object.entries(v).map(([p, sub]) => [p, prune(sub)]));
    else if (k === 'items' || k === 'additionalProperties') o[k] = typeof v === 'object' ? prune(v) : v;
    else if (k === 'anyOf') o[k] = v.map(prune);
    else o[k] = v;
  }
  return o;
}

/** The solvers schema of the Issuer CRD (ClusterIssuer's is the same) of every release. */
function readVersions() {
  const versions = {};
  for (const release of releases) {
    const dir = crdDir(release);
    const m = /^cert-manager-v(\d+)\.(\d+)\.(\d+)$/.exec(basename(dir));
    if (!m) throw new Error(`${dir}: not a cert-manager-vX.Y.Z folder`);
    const file = readdirSync(dir).find((f) => /(^|_|-)issuers\.yaml$/.test(f) && !f.includes('cluster'));
    if (!file) throw new Error(`${dir}: no Issuer CRD`);
    const crd = parse(readFileSync(join(dir, file), 'utf8'));
    const v1 = crd.spec.versions.find((v) => v.name === 'v1');
    const solvers = v1?.schema?.openAPIV3Schema?.properties?.spec?.properties?.acme?.properties?.solvers;
    if (!solvers) throw new Error(`${dir}/${file}: no spec.acme.solvers in the v1 schema`);
    versions[`${m[1]}.${m[2]}`] = { release: `${m[1]}.${m[2]}.${m[3]}`, schema: prune(solvers) };
  }
  return versions;
}

// Subtrees that occur more than once (affinity terms, label selectors, secret references) are
// stored once in `defs` and referred to as {"$ref": index}.
function children(s, f) {
  const o = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties') o[k] = Object.fromEntries(Object.entries(v).map(([p, sub]) => [p, f(sub)]));
    else if ((k === 'items' || k === 'additionalProperties') && typeof v === 'object') o[k] = f(v);
    else if (k === 'anyOf') o[k] = v.map(f);
    else o[k] = v;
  }
  return o;
}

function share(versions) {
  const count = new Map();
  const visit = (s) => {
    const k = JSON.stringify(s);
    count.set(k, (count.get(k) ?? 0) + 1);
    children(s, (sub) => (visit(sub), sub));
  };
  for (const v of Object.values(versions)) visit(v.schema);
  const defs = [];
  const index = new Map();
  const replace = (s) => {
    const k = JSON.stringify(s);
    const rebuilt = children(s, replace);
    if ((count.get(k) ?? 0) < 2 || k.length < 60) return rebuilt;
    let i = index.get(k);
    if (i === undefined) {
      i = defs.push(rebuilt) - 1;
      index.set(k, i);
    }
    return { $ref: i };
  };
  const roots = Object.fromEntries(Object.entries(versions).map(([minor, v]) => [minor, { release: v.release, solvers: replace(v.schema) }]));
  return { defs, roots };
}

const { defs, roots } = share(readVersions());
const text = `// Generated by scripts/gen-crd-schemas.mjs from cert-manager's Issuer CRDs; do not edit.
// spec.acme.solvers of each version, pruned to what validation and defaulting read.
import type { SchemaTable } from './structural-schema.js';

export const solverSchemas: SchemaTable = ${JSON.stringify({ defs, roots })};
`;
if (check) {
  const current = readFileSync(out, 'utf8');
  if (current !== text) {
    console.error(`${out} is stale; run node scripts/gen-crd-schemas.mjs`);
    process.exit(1);
  }
  console.log(`${out} is up to date`);
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}: ${Object.keys(roots).join(', ')}, ${(text.length / 1024).toFixed(1)} KB`);
}
