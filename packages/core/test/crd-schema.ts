import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

const clusterScript = fileURLToPath(new URL('../../../tools/cluster/cluster.sh', import.meta.url));

/** The folder of a cert-manager release's published CRDs ("v1.21.1"), fetched from its Go module once into the cache. */
export function crdDir(release: string): string {
  return execFileSync('bash', [clusterScript, 'crds'], { env: { ...process.env, TAPACME_CERT_MANAGER_VERSION: release }, encoding: 'utf8' }).trim();
}

/** Validate objects against a CRD's openAPIV3Schema the way the API server prunes: unknown fields are errors. */
export function crdValidator(dir: string): (kind: string, value: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
  const byKind = new Map<string, ReturnType<Ajv['compile']>>();
  for (const f of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(dir, f), 'utf8')) as { spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } };
    const v1 = crd.spec.versions.find((v) => v.name === 'v1') ?? crd.spec.versions[0];
    if (v1) byKind.set(crd.spec.names.kind, ajv.compile(closed(structuredClone(v1.schema.openAPIV3Schema))));
  }
  return (kind, value) => {
    const check = byKind.get(kind);
    if (!check || check(value)) return [];
    return (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}

function closed(s: Schema): Schema {
  if (s['type'] === 'object' && s['properties'] && s['additionalProperties'] === undefined && !s['x-kubernetes-preserve-unknown-fields']) {
    s['additionalProperties'] = false;
  }
  for (const key of ['properties']) {
    const props = s[key] as Record<string, Schema> | undefined;
    if (props) for (const p of Object.values(props)) closed(p);
  }
  for (const key of ['items', 'additionalProperties']) {
    const sub = s[key];
    if (sub && typeof sub === 'object') closed(sub as Schema);
  }
  return s;
}
