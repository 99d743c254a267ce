import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, scratch } from './helpers/cli.js';
import { brokenYaml, issuerMissingSa, legacyIssuerWithSa } from './helpers/manifests.js';

// The SARIF 2.1.0 schema as published with Microsoft's SARIF SDK (a devDependency, never fetched at test time).
const require = createRequire(import.meta.url);
const schemaPath = join(require.resolve('@microsoft/jest-sarif/package.json'), '..', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

// CommonJS packages whose module.exports is also their `default` export.
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;

function validator(): (doc: unknown) => string[] {
  // The schema's language pattern has a stray ']' that only the 'u' flag rejects.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));
}

interface Sarif {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; fullDescription: { text: string }; helpUri: string }[] } };
    results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: Record<string, number> } }[] }[];
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[];
  }[];
}

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await scratch());
  await mkdir(join(dir, 'sub dir'));
  await writeFile(join(dir, 'sub dir', 'issuer.yaml'), issuerMissingSa);
  await writeFile(join(dir, 'legacy.yaml'), legacyIssuerWithSa);
  await writeFile(join(dir, 'broken.yaml'), brokenYaml);
});
afterAll(async () => cleanup());

describe('check -o sarif', () => {
  it('is valid SARIF 2.1.0 with rules from core and 1-based regions', async () => {
    const r = await run(['check', '-o', 'sarif', 'sub dir/issuer.yaml', 'legacy.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Sarif;
    expect(validator()(doc)).toEqual([]);
    const run0 = doc.runs[0];
    expect(run0?.tool.driver.name).toBe('tapacme');
    const rule = run0?.tool.driver.rules.find((x) => x.id === 'http01-solver-missing-service-account');
    expect(rule?.helpUri).toBe('https://github.com/tapacme/tapacme/blob/main/packages/core/README.md#http01-solver-missing-service-account');
    expect(rule?.shortDescription.text.length).toBeGreaterThan(10);
    expect(rule?.fullDescription.text.length).toBeGreaterThan(rule?.shortDescription.text.length ?? 0);
    // GitHub drops the dot from the heading's anchor.
    expect(run0?.tool.driver.rules.find((x) => x.id === 'solver-pull-secrets-need-cert-manager-1.12')?.helpUri).toMatch(/#solver-pull-secrets-need-cert-manager-112$/);
    const results = run0?.results ?? [];
    expect(results.map((x) => [x.ruleId, x.level])).toEqual([
      ['legacy-api-version', 'warning'],
      ['http01-solver-missing-service-account', 'error'],
    ]);
    expect(results[1]?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'sub%20dir/issuer.yaml', uriBaseId: 'SRCROOT' },
      region: { startLine: 11, startColumn: 9, endLine: 11, endColumn: 15 },
    });
    expect(run0?.invocations[0]?.executionSuccessful).toBe(true);
  });

  it('reports input errors as tool notifications, still valid, exit 2', async () => {
    const r = await run(['check', '-o', 'sarif', 'broken.yaml', 'legacy.yaml', '-'], { cwd: dir, stdin: issuerMissingSa });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as Sarif;
    expect(validator()(doc)).toEqual([]);
    expect(doc.runs[0]?.invocations[0]?.executionSuccessful).toBe(false);
    expect(doc.runs[0]?.invocations[0]?.toolExecutionNotifications[0]?.message.text).toContain('YAML syntax error');
    expect(doc.runs[0]?.results.some((x) => x.locations[0]?.physicalLocation.artifactLocation.uri === 'stdin')).toBe(true);
  });

  it('the validator does reject a broken log', () => {
    expect(validator()({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }).length).toBeGreaterThan(0);
  });
});
