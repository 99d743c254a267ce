import { analyze, namespaceChoices } from '@tapacme/core';
import { describe, expect, it } from 'vitest';
import { validNamespace } from '../src/logic/namespaces.js';
import { BROKEN, CERT_IN, SA_IN } from './fixtures.js';

describe('namespaceChoices', () => {
  it('puts the namespaces that obtain certificates from the issuer first, then the others in the file', () => {
    const text = [BROKEN, SA_IN('zz-other'), CERT_IN('team-b')].join('---\n');
    const finding = analyze(text, { fileName: 'n.yaml' }).findings[0];
    if (!finding) throw new Error('no finding');
    const choices = namespaceChoices(text, 'n.yaml', finding);
    expect(choices.map((c) => c.namespace)).toEqual(['team-b', 'zz-other']);
    expect(choices[1]?.reason).toBe('written in this file (ServiceAccount tap-acme-http01-solver)');
    expect(choices[0]?.reason).toBe('obtains certificates from this issuer (Certificate web)');
  });

  it('offers the namespace of a namespaced Issuer', () => {
    const text = BROKEN.replace('kind: ClusterIssuer', 'kind: Issuer').replace('  name: letsencrypt\n', '  name: letsencrypt\n  namespace: apps\n');
    const finding = analyze(text, { fileName: 'n.yaml' }).findings[0];
    if (!finding) throw new Error('no finding');
    expect(namespaceChoices(text, 'n.yaml', finding).map((c) => c.namespace)).toEqual(['apps']);
  });
});

describe('validNamespace', () => {
  it('accepts DNS-1123 labels and explains the rest', () => {
    expect(validNamespace('team-a')).toBeUndefined();
    expect(validNamespace('Team_A')).toMatch(/DNS-1123 label/);
    expect(validNamespace('a'.repeat(64))).toMatch(/at most 63/);
  });
});
