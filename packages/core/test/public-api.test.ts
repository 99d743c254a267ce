// The root entry is what a shell needs; the cluster side has its own entries. Under test:dist this
// imports the built dist/index.js, so it counts the keys of the published `import('@tapacme/core')`.
import { describe, expect, it } from 'vitest';

describe('public API', () => {
  it('the root entry exports a curated set of at most 60 run-time names', async () => {
    const root = Object.keys(await import('../src/index.js')).sort();
    expect(root.length).toBeLessThanOrEqual(60);
    expect(root).toEqual([
      'DEFAULT_PULL_SECRET', 'DEFAULT_SERVICE_ACCOUNT', 'DNS1123_LABEL_PATTERN', 'DNS1123_SUBDOMAIN_PATTERN', 'FixError', 'IncrementalAnalyzer',
      'KNOWN_CERT_MANAGER_VERSIONS', 'NEWEST_CERT_MANAGER_VERSION', 'OverlappingEditsError', 'ParsedFile', 'analyze', 'analyzeFiles', 'analyzeParsed',
      'applyEdits', 'certManagerProfile', 'coverChange', 'defaultSettings', 'describeRef', 'dns01Flags', 'dns01FromFlags', 'dns01Provider',
      'dns01Providers', 'fix', 'fixAll', 'isDns1123Label', 'isDns1123Subdomain', 'isFindingOf', 'namespaceChoices', 'parseCertManagerVersion',
      'parseSettings', 'resolveSettings', 'ruleById', 'ruleIds', 'rules', 'validateDns01', 'validateDns01Block',
    ]);
  });

  it('the live and policies entries hold the cluster side, apart from the root', async () => {
    const root = new Set(Object.keys(await import('../src/index.js')));
    const live = Object.keys(await import('../src/live/index.js'));
    const policies = Object.keys(await import('../src/policies/index.js'));
    expect(live).toEqual(expect.arrayContaining(['scanCluster', 'planFix', 'toManifestObject']));
    expect(policies).toEqual(expect.arrayContaining(['emitDurableCoverage', 'durableCoverage']));
    expect([...live, ...policies].filter((n) => root.has(n))).toEqual([]);
  });
});
