import { describe, expect, it } from 'vitest';
import { ParsedFile } from '../src/index.js';
import { crdDir, crdValidator } from './crd-schema.js';
import { fixText, issuer } from './helpers.js';

describe('the fixed issuer validates against cert-manager\'s own CRD schema', () => {
  const value = (text: string) => new ParsedFile('x', text).objects[0]?.value;
  const broken = issuer('    - http01:\n        ingress:\n          class: nginx\n');

  it('v1.21.1 accepts the serviceaccount fix and rejects unknown podTemplate fields', () => {
    const v = crdValidator(crdDir('v1.21.1'));
    expect(v('ClusterIssuer', value(broken))).toEqual([]);
    expect(v('ClusterIssuer', value(fixText(broken)))).toEqual([]);
    expect(v('ClusterIssuer', value(broken.replace('class: nginx', 'class: nginx\n          podTemplate: {spec: {hostNetwork: true}}'))).join()).toMatch(/additionalProperty.*hostNetwork/);
  });

  it('v1.11.0 (TAP 1.5) has no podTemplate.spec.imagePullSecrets', () => {
    const v = crdValidator(crdDir('v1.11.0'));
    expect(v('ClusterIssuer', value(fixText(broken)))).toEqual([]);
    expect(v('ClusterIssuer', value(broken.replace('class: nginx', 'class: nginx\n          podTemplate: {spec: {imagePullSecrets: [{name: r}]}}'))).join()).toMatch(/imagePullSecrets/);
  });
});
