import { analyze, resolveSettings, ruleById } from '@tapacme/core';
import { describe, expect, it } from 'vitest';
import { hoverMarkdown } from '../src/logic/hover.js';
import { BROKEN, CERT_IN, SA_IN } from './fixtures.js';

describe('hoverMarkdown', () => {
  it('explains why the Pod fails and what each fix does, with the configured names', () => {
    const findings = analyze(BROKEN, { fileName: 'h.yaml' }).findings;
    const md = hoverMarkdown(findings, resolveSettings({ serviceAccountName: 'solver-sa', pullSecretName: 'harbor' })) ?? '';
    expect(md).toContain('**tapacme: HTTP01 solver Pod has no ServiceAccount or pull secrets**');
    expect(md).toContain('ErrImagePull');
    expect(md).toContain('*Add podTemplate ServiceAccount*: sets `podTemplate.spec.serviceAccountName: solver-sa`');
    expect(md).toContain('*Convert solver to DNS01…*');
    expect(md).toContain('`imagePullSecrets: [{name: harbor}]`');
    expect(md).toContain('(https://github.com/tapacme/tapacme/blob/main/packages/core/README.md#http01-solver-missing-service-account)');
  });

  it('names the namespace of a missing ServiceAccount', () => {
    const text = [BROKEN.replace('class: contour\n', 'class: contour\n          podTemplate: {spec: {serviceAccountName: tap-acme-http01-solver}}\n'), SA_IN('a'), CERT_IN('b')].join('---\n');
    const md = hoverMarkdown(analyze(text, { fileName: 'h.yaml' }).findings, resolveSettings({})) ?? '';
    expect(md).toContain('in namespace `b`');
    expect(md).toContain((ruleById('service-account-missing-in-namespace')?.why ?? 'missing').slice(0, 40));
  });

  it('is empty where there is no finding', () => {
    expect(hoverMarkdown([], resolveSettings({}))).toBeUndefined();
  });
});
