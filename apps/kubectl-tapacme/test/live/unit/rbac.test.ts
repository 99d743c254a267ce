import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { clusterRole, rbacRules, rbacYaml } from '../../../src/cluster/rbac.js';
import { RESOURCES } from '../../../src/cluster/resources.js';

describe('rbac', () => {
  it('grants scan read-only access: list, and get on three named CRDs', () => {
    const rules = rbacRules({ scanOnly: true, noSecretWrites: false });
    expect(rules.flatMap((r) => r.verbs).every((v) => v === 'list' || v === 'get')).toBe(true);
    expect(rules.find((r) => r.resources.includes('customresourcedefinitions'))).toMatchObject({ verbs: ['get'], resourceNames: ['clusterissuers.cert-manager.io', 'secretexports.secretgen.carvel.dev', 'gateways.gateway.networking.k8s.io'] });
    expect(rules.find((r) => r.resources.includes('secrets'))?.verbs).toEqual(['list']);
    // --verify-pull-secrets reads the Secrets it checks, one by one.
    expect(rbacRules({ scanOnly: true, noSecretWrites: false, verifyPullSecrets: true }).find((r) => r.resources.includes('secrets'))?.verbs).toEqual(['get', 'list']);
  });

  it('adds exactly the writes fix makes: create and patch (server-side apply) on ServiceAccounts, Secrets and issuers', () => {
    const rules = rbacRules({ scanOnly: false, noSecretWrites: false });
    const verbsOf = (res: string): string[] => rules.find((r) => r.resources.includes(res))?.verbs ?? [];
    expect(verbsOf('serviceaccounts')).toEqual(['get', 'list', 'create', 'patch']);
    expect(verbsOf('secrets')).toEqual(['get', 'list', 'create', 'patch']);
    expect(verbsOf('clusterissuers')).toEqual(['get', 'list', 'patch']);
    expect(verbsOf('certificates')).toEqual(['list']);
    expect(rules.flatMap((r) => r.verbs)).not.toContain('delete');
    expect(rules.flatMap((r) => r.verbs)).not.toContain('update');
    expect(rbacRules({ scanOnly: false, noSecretWrites: true }).find((r) => r.resources.includes('secrets'))?.verbs).toEqual(['get', 'list']);
  });

  it('covers every resource the client touches', () => {
    const covered = rbacRules({ scanOnly: false, noSecretWrites: false }).flatMap((r) => r.resources);
    expect(covered.sort()).toEqual(Object.values(RESOURCES).map((r) => r.resource).sort());
  });

  it('prints YAML that parses to the same ClusterRole, with a binding when asked', () => {
    const options = { name: 'tapacme', scanOnly: false, noSecretWrites: false };
    const docs = parseAllDocuments(rbacYaml(options, [{ kind: 'User', name: 'tapacme-limited', apiGroup: 'rbac.authorization.k8s.io' }])).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs[0]).toEqual(clusterRole(options));
    expect(docs[1]).toMatchObject({ kind: 'ClusterRoleBinding', roleRef: { kind: 'ClusterRole', name: 'tapacme' }, subjects: [{ kind: 'User', name: 'tapacme-limited' }] });
    expect(parse(rbacYaml(options, []))).toEqual(clusterRole(options));
  });
});
