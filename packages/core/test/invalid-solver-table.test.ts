// invalid-solver held to cert-manager's own CRD schemas and webhook rules, per version, without a
// cluster: each solver has the verdict the API server (schema, after its defaulting) and the
// webhook of that version give. Where the verdict is the schema's, ajv on the full published CRD
// (../shared/crds) must agree, so the pruned schemas the core ships cannot drift from it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/index.js';
import { crdValidator } from './crd-schema.js';

type Verdict = 'ok' | 'schema' | 'webhook';
// [what, solver as JSON, verdict at 1.11, verdict at 1.21]
const TABLE: [string, unknown, Verdict, Verdict][] = [
  ['ingress with class', { http01: { ingress: { class: 'contour' } } }, 'ok', 'ok'],
  ['ingress with name', { http01: { ingress: { name: 'web' } } }, 'ok', 'ok'],
  ['empty ingress', { http01: { ingress: {} } }, 'ok', 'ok'],
  ['class and name', { http01: { ingress: { class: 'a', name: 'b' } } }, 'webhook', 'webhook'],
  ['ingressClassName', { http01: { ingress: { ingressClassName: 'nginx' } } }, 'schema', 'ok'],
  ['class and ingressClassName', { http01: { ingress: { class: 'a', ingressClassName: 'b' } } }, 'schema', 'webhook'],
  ['ingressClassName with a slash', { http01: { ingress: { ingressClassName: 'azure/application-gateway' } } }, 'schema', 'webhook'],
  ['serviceType ClusterIP', { http01: { ingress: { class: 'a', serviceType: 'ClusterIP' } } }, 'ok', 'ok'],
  ['serviceType NodePort', { http01: { ingress: { serviceType: 'NodePort' } } }, 'ok', 'ok'],
  ['serviceType LoadBalancer', { http01: { ingress: { serviceType: 'LoadBalancer' } } }, 'webhook', 'webhook'],
  ['serviceAccountName', { http01: { ingress: { podTemplate: { spec: { serviceAccountName: 'sa' } } } } }, 'ok', 'ok'],
  ['serviceAccountName without spec', { http01: { ingress: { podTemplate: { serviceAccountName: 'sa' } } } }, 'schema', 'schema'],
  ['podTemplate imagePullSecrets', { http01: { ingress: { podTemplate: { spec: { imagePullSecrets: [{ name: 'r' }] } } } } }, 'schema', 'ok'],
  ['imagePullSecrets as strings', { http01: { ingress: { podTemplate: { spec: { imagePullSecrets: ['r'] } } } } }, 'schema', 'schema'],
  ['podTemplate hostNetwork', { http01: { ingress: { podTemplate: { spec: { hostNetwork: true } } } } }, 'schema', 'schema'],
  ['podTemplate labels', { http01: { ingress: { podTemplate: { metadata: { labels: { a: 'b' } } } } } }, 'ok', 'ok'],
  ['podTemplate label not a string', { http01: { ingress: { podTemplate: { metadata: { labels: { a: 1 } } } } } }, 'schema', 'schema'],
  ['nodeSelector and tolerations', { http01: { ingress: { podTemplate: { spec: { nodeSelector: { a: 'b' }, tolerations: [{ key: 'k', operator: 'Exists' }] } } } } }, 'ok', 'ok'],
  ['securityContext', { http01: { ingress: { podTemplate: { spec: { securityContext: { runAsNonRoot: true } } } } } }, 'schema', 'ok'],
  ['resources', { http01: { ingress: { podTemplate: { spec: { resources: { limits: { cpu: '100m' } } } } } } }, 'schema', 'ok'],
  ['ingressTemplate annotations', { http01: { ingress: { ingressTemplate: { metadata: { annotations: { a: 'b' } } } } } }, 'ok', 'ok'],
  ['ingressTemplate spec', { http01: { ingress: { ingressTemplate: { spec: {} } } } }, 'schema', 'schema'],
  ['gateway with a named parentRef (kind defaults to Gateway)', { http01: { gatewayHTTPRoute: { parentRefs: [{ name: 'gw' }] } } }, 'ok', 'ok'],
  ['gateway with kind and name', { http01: { gatewayHTTPRoute: { parentRefs: [{ name: 'gw', kind: 'Gateway', namespace: 'infra' }] } } }, 'ok', 'ok'],
  ['gateway parentRef with kind, no name', { http01: { gatewayHTTPRoute: { parentRefs: [{ kind: 'Gateway' }] } } }, 'schema', 'schema'],
  ['gateway without parentRefs', { http01: { gatewayHTTPRoute: {} } }, 'webhook', 'ok'],
  ['gateway with an empty parentRefs', { http01: { gatewayHTTPRoute: { parentRefs: [] } } }, 'webhook', 'ok'],
  ['gateway parentRef port out of range', { http01: { gatewayHTTPRoute: { parentRefs: [{ name: 'gw', port: 70000 }] } } }, 'schema', 'schema'],
  ['gateway parentRef namespace not a label', { http01: { gatewayHTTPRoute: { parentRefs: [{ name: 'gw', namespace: 'Infra_1' }] } } }, 'schema', 'schema'],
  ['gateway podTemplate', { http01: { gatewayHTTPRoute: { parentRefs: [{ name: 'gw' }], podTemplate: { spec: { serviceAccountName: 'sa' } } } } }, 'schema', 'ok'],
  ['gateway serviceType LoadBalancer', { http01: { gatewayHTTPRoute: { parentRefs: [{ name: 'gw' }], serviceType: 'LoadBalancer' } } }, 'webhook', 'webhook'],
  ['ingress and gateway', { http01: { ingress: {}, gatewayHTTPRoute: { parentRefs: [{ name: 'gw' }] } } }, 'webhook', 'webhook'],
  ['http01 without a type', { http01: {} }, 'webhook', 'webhook'],
  ['no solver type', { selector: { dnsNames: ['a.example.com'] } }, 'webhook', 'webhook'],
  ['http01 and dns01', { http01: { ingress: {} }, dns01: { route53: { region: 'eu-west-1' } } }, 'webhook', 'webhook'],
  ['selector with dnsZones', { selector: { dnsZones: ['example.com'], matchLabels: { a: 'b' } }, http01: { ingress: {} } }, 'ok', 'ok'],
  ['selector dnsNames not a list', { selector: { dnsNames: 'a.example.com' }, http01: { ingress: {} } }, 'schema', 'schema'],
  ['unknown solver field', { http01: { ingress: {} }, priority: 1 }, 'schema', 'schema'],
  ['route53 with region', { dns01: { route53: { region: 'eu-west-1' } } }, 'ok', 'ok'],
  ['route53 without region', { dns01: { route53: {} } }, 'schema', 'ok'],
  ['route53 hostedZoneId misspelled', { dns01: { route53: { region: 'eu-west-1', hostedZoneId: 'Z1' } } }, 'schema', 'schema'],
  ['route53 access key twice', { dns01: { route53: { region: 'r', accessKeyID: 'a', accessKeyIDSecretRef: { name: 'n', key: 'k' } } } }, 'webhook', 'webhook'],
  ['cloudflare token', { dns01: { cloudflare: { apiTokenSecretRef: { name: 'cf', key: 'token' } } } }, 'ok', 'ok'],
  ['cloudflare key without email', { dns01: { cloudflare: { apiKeySecretRef: { name: 'cf', key: 'k' } } } }, 'webhook', 'webhook'],
  ['cloudDNS without project', { dns01: { cloudDNS: {} } }, 'schema', 'schema'],
  ['clouddns in the wrong case', { dns01: { clouddns: { project: 'p' } } }, 'schema', 'schema'],
  ['rfc2136', { dns01: { rfc2136: { nameserver: '10.0.0.1:53', tsigKeyName: 'k', tsigAlgorithm: 'HMACSHA256', tsigSecretSecretRef: { name: 's', key: 'k' } } } }, 'ok', 'ok'],
  ['rfc2136 without port', { dns01: { rfc2136: { nameserver: '::1' } } }, 'webhook', 'webhook'],
  ['cnameStrategy Sometimes', { dns01: { cnameStrategy: 'Sometimes', route53: { region: 'r' } } }, 'schema', 'schema'],
  ['webhook provider without solverName', { dns01: { webhook: { groupName: 'acme.example.com' } } }, 'schema', 'schema'],
  ['webhook provider with free config', { dns01: { webhook: { groupName: 'g', solverName: 's', config: { any: { thing: 1 } } } } }, 'ok', 'ok'],
  ['two providers', { dns01: { route53: { region: 'r' }, cloudflare: { apiTokenSecretRef: { name: 'a', key: 'b' } } } }, 'webhook', 'webhook'],
  ['azureDNS managed identity with tenant only', { dns01: { azureDNS: { subscriptionID: 's', resourceGroupName: 'g', managedIdentity: { tenantID: 't' } } } }, 'schema', 'webhook'],
];

const crds = join(resolve(fileURLToPath(new URL('../../..', import.meta.url))), '..', 'shared', 'crds');
const RELEASES = { '1.11': 'cert-manager-v1.11.0', '1.21': 'cert-manager-v1.21.1' } as const;

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

describe.skipIf(!existsSync(crds))('the shipped schemas agree with the published CRDs', () => {
  for (const [version, dir] of Object.entries(RELEASES)) {
    const column = version === '1.11' ? 2 : 3;
    it(`at ${version}, the full CRD rejects exactly the solvers the table calls schema errors`, () => {
      const validate = crdValidator(join(crds, dir));
      const disagreements = TABLE.filter((row) => {
        const schemaErrors = validate('ClusterIssuer', withDefaults(issuerWith(row[1]).value));
        return (schemaErrors.length > 0) !== (row[column] === 'schema');
      }).map((row) => row[0]);
      expect(disagreements).toEqual([]);
    });
  }

  it('the generated schemas are what the generator makes from the CRDs today', () => {
    const script = fileURLToPath(new URL('../scripts/gen-crd-schemas.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [script, '--check', crds], { stdio: 'pipe' })).not.toThrow();
  });
});

/** The API server defaults parentRefs' group and kind before validating; ajv does not default. */
function withDefaults(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) => {
    if (key === 'parentRefs' && Array.isArray(v)) return v.map((r: Record<string, unknown>) => ({ group: 'gateway.networking.k8s.io', kind: 'Gateway', ...r }));
    return v;
  });
}
