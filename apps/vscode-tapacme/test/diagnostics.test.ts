import { analyze } from '@tapacme/core';
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, findingAt, rematch, ruleDocUrl } from '../src/logic/diagnostics.js';
import { BROKEN } from './fixtures.js';

describe('diagnosticsOf', () => {
  it('reports the broken solver at its http01 key with the rule id as a linked code', () => {
    const [d, ...rest] = diagnosticsOf(analyze(BROKEN, { fileName: 'issuer.yaml' }));
    expect(rest).toEqual([]);
    expect(d?.source).toBe('tapacme');
    expect(d?.severity).toBe('error');
    expect(d?.code).toEqual({ value: 'http01-solver-missing-service-account', target: 'https://github.com/tapacme/tapacme/blob/main/packages/core/README.md#http01-solver-missing-service-account' });
    expect(d?.range.start).toMatchObject({ line: 10, character: 6 });
    expect(d?.range.end).toMatchObject({ line: 10, character: 12 });
    expect(d?.message).toContain('ErrImagePull');
  });

  it('leaves YAML syntax errors to the YAML language server', () => {
    const result = analyze('kind: [unclosed\n', { fileName: 'x.yaml' });
    expect(result.errors.length).toBeGreaterThan(0);
    expect(diagnosticsOf(result)).toEqual([]);
  });

  it('links each rule to its README heading as GitHub spells the anchor', () => {
    expect(ruleDocUrl('solver-pull-secrets-need-cert-manager-1.12')).toMatch(/#solver-pull-secrets-need-cert-manager-112$/);
    expect(ruleDocUrl('invalid-solver')).toMatch(/#invalid-solver$/);
  });
});

describe('rematch', () => {
  it('finds the same finding after lines were added above it, and nothing once it is fixed', () => {
    const [before] = analyze(BROKEN, { fileName: 'x.yaml' }).findings;
    if (!before) throw new Error('no finding');
    const moved = analyze(`# a comment\n# another\n${BROKEN}`, { fileName: 'x.yaml' }).findings;
    const again = rematch(before, moved);
    expect(again?.range?.start.line).toBe(12);
    const fixed = BROKEN.replace('class: contour\n', 'class: contour\n          podTemplate: {spec: {serviceAccountName: sa}}\n');
    expect(rematch(before, analyze(fixed, { fileName: 'x.yaml' }).findings)).toBeUndefined();
  });

  it('does not confuse two solvers of one issuer', () => {
    const two = BROKEN + '    - http01:\n        ingress:\n          class: nginx\n';
    const [first, second] = analyze(two, { fileName: 'x.yaml' }).findings;
    if (!first || !second) throw new Error('expected two findings');
    expect(rematch(second, [first, second])).toBe(second);
  });
});

describe('findingAt', () => {
  it('covers the range including its end, for a hover at the end of the key', () => {
    const [f] = analyze(BROKEN, { fileName: 'x.yaml' }).findings;
    if (!f?.range) throw new Error('no range');
    expect(findingAt(f, f.range.start.offset)).toBe(true);
    expect(findingAt(f, f.range.end.offset)).toBe(true);
    expect(findingAt(f, f.range.end.offset + 1)).toBe(false);
    expect(findingAt(f, f.range.start.offset - 1)).toBe(false);
  });
});
