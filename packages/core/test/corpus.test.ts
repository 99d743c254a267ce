// Real public manifests from ../shared/corpus (beside the repository); skipped when that folder is absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze, fix, ParsedFile } from '../src/index.js';
import type { FixOptions } from '../src/index.js';
import { crdDir, crdValidator } from './crd-schema.js';

const repo = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const corpusDir = process.env.TAPACME_CORPUS ?? join(repo, '..', 'shared', 'corpus');
const files = existsSync(corpusDir) ? readdirSync(corpusDir).filter((f) => f !== 'INDEX.tsv').sort() : [];
const validate = files.length > 0 ? crdValidator(crdDir('v1.21.1')) : undefined;

const strategies: [string, Partial<FixOptions>][] = [
  ['serviceaccount', { strategy: 'serviceaccount' }],
  ['dns01', { strategy: 'dns01', dns01: { route53: { region: 'eu-west-1' } } }],
];

function comments(text: string): string[] {
  return text.split(/\r?\n/).map((l) => /(?:^|\s)(#.*)$/.exec(l)?.[1]?.trim()).filter((c): c is string => Boolean(c));
}

function issuerSchemaErrors(text: string): string[] {
  if (!validate) return [];
  const parsed = new ParsedFile('x', text);
  return parsed.objects.filter((o) => o.apiVersion === 'cert-manager.io/v1' && (o.kind === 'ClusterIssuer' || o.kind === 'Issuer')).flatMap((o) => validate(o.kind, o.value));
}

describe.skipIf(files.length === 0)(`corpus (${corpusDir})`, () => {
  it('has the manifests', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of files) {
    describe(name, () => {
      const text = readFileSync(join(corpusDir, name), 'utf8');
      const result = analyze(text, { fileName: name });

      it('analyses without crashing; errors name a line inside the file', () => {
        for (const e of result.errors) {
          expect(e.fileName).toBe(name);
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(text.split('\n').length);
          expect(e.message.length).toBeGreaterThan(20);
        }
        for (const f of result.findings) expect(f.range, `${f.rule} has a range`).toBeDefined();
      });

      if (result.errors.length > 0) {
        it('refuses to fix a file it could not read, changing nothing', () => {
          expect(() => fix(text, result.findings, { strategy: 'serviceaccount', fileName: name })).toThrow(/nothing was changed/);
        });
        return;
      }

      for (const [label, options] of strategies) {
        it(`${label}: parses, keeps every comment, clears the finding, validates as before, is idempotent`, () => {
          const out = fix(text, result.findings, { ...options, fileName: name } as FixOptions);
          const again = analyze(out.text, { fileName: name });
          expect(again.errors).toEqual([]);
          expect(again.findings.filter((f) => f.rule === 'http01-solver-missing-service-account')).toEqual([]);
          expect(comments(out.text)).toEqual(expect.arrayContaining(comments(text)));
          if (label === 'serviceaccount') {
            // Insert-only: every original line is still there, in order.
            const outLines = out.text.split('\n');
            let i = 0;
            for (const line of text.split('\n')) {
              while (i < outLines.length && outLines[i] !== line) i++;
              expect(i, `line kept: ${JSON.stringify(line)}`).toBeLessThan(outLines.length);
              i++;
            }
          }
          if (issuerSchemaErrors(text).length === 0) expect(issuerSchemaErrors(out.text)).toEqual([]);
          const second = fix(out.text, again.findings, { ...options, fileName: name } as FixOptions);
          expect(second.edits).toEqual([]);
        });
      }
    });
  }
});
