// invalid-solver held to cert-manager's own CRD schemas and webhook rules, per version, without a
// cluster: each solver has the verdict the API server (schema, after its defaulting) and the
// webhook of that version give. Where the verdict is the schema's, ajv on the full published CRD
// (from the release's Go module, as the cluster harness fetches it) must agree, so the pruned
// schemas the core ships cannot drift from it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { crdDir, crdValidator } from './crd-schema.js';

type Verdict = 'ok' | 'schema' | 'webhook';
interface Row { what: string; solver: unknown; '1.11': Verdict; '1.21': Verdict }
// The same table is held to the real cert-manager v1.11.5 webhook in the e2e tier (webhook-agrees.e2e.ts).
const ROWS = JSON.parse(readFileSync(new URL('./solver-verdicts.json', import.meta.url), 'utf8')) as Row[];
// [what, solver as JSON, verdict at 1.11, verdict at 1.21]
const TABLE: [string, unknown, Verdict, Verdict][] = ROWS.map((r) => [r.what, r.solver, r['1.11'], r['1.21']]);

const RELEASES = { '1.11': 'v1.11.0', '1.21': 'v1.21.1' } as const;
const generator = fileURLToPath(new URL('../scripts/gen-crd-schemas.mjs', import.meta.url));

function issuerWith(solver: unknown): { text: string; value: unknown } {
  const value = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le' }, spec: { acme: { server: 'https://acme.example/directory', privateKeySecretRef: { name: 'k' }, solvers: [solver] } } };
  return { text: JSON.stringify(value, null, 2), value };
}

function verdict(solver: unknown, version: string): { verdict: Verdict; messages: string[] } {
  const found = analyze(issuerWith(solver).text, { fileName: 'i.json', settings: { certManagerVersion: version } }).findings.filter((f) => f.rule === 'invalid-solver');
  const messages = found.map((f) => f.message);
  if (found.length === 0) return { verdict: 'ok', messages };
  // Schema problems name the field by its full path; the webhook's by solver number.
  return { verdict: messages.some((m) => m.includes('spec.acme.solvers')) ? 'schema' : 'webhook', messages };
}

describe('invalid-solver agrees with cert-manager, version by version', () => {
  it('has a table of at least 40 solvers, valid and invalid at both versions', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    for (const v of [2, 3] as const) expect(new Set(TABLE.map((row) => row[v]))).toEqual(new Set(['ok', 'schema', 'webhook']));
  });

  for (const [version, column] of [['1.11', 2], ['1.21', 3]] as const) {
    it.each(TABLE.map((row) => [row[0], row[1], row[column]] as const))(`at ${version}: %s`, (_what, solver, expected) => {
      const got = verdict(solver, version);
      expect(got.verdict, got.messages.join('\n')).toBe(expected);
    });
  }

  it('assumes the newest known version when none is set', () => {
    const solver = { http01: { ingress: { ingressClassName: 'nginx' } } };
    expect(analyze(issuerWith(solver).text, { fileName: 'i.json' }).findings.filter((f) => f.rule === 'invalid-solver')).toEqual([]);
    expect(verdict(solver, 'v1.11.5').verdict).toBe('schema');
    expect(verdict(solver, '1.13').verdict).toBe('ok');
  });
});

describe('the shipped schemas agree with the published CRDs', () => {
  for (const [version, release] of Object.entries(RELEASES)) {
    const column = version === '1.11' ? 2 : 3;
    it(`at ${version}, the full CRD rejects exactly the solvers the table calls schema errors`, () => {
      const validate = crdValidator(crdDir(release));
      const disagreements = TABLE.filter((row) => {
        const schemaErrors = validate('ClusterIssuer', withDefaults(issuerWith(row[1]).value));
        return (schemaErrors.length > 0) !== (row[column] === 'schema');
      }).map((row) => row[0]);
      expect(disagreements).toEqual([]);
    });
  }

  it('the generated schemas are what the generator makes from every pinned release\'s CRDs today', () => {
    expect(() => execFileSync(process.execPath, [generator, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

/** The API server defaults parentRefs' group and kind before validating; ajv does not default. */
function withDefaults(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => {
    if (key === 'parentRefs' && Array.isArray(v)) return v.map((r: Record<string, unknown>) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', ...r }));
    return v;
  });
}
