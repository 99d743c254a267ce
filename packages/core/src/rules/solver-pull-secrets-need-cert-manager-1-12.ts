import { describeRef } from '../model/manifest-object.js';
import { isIssuer, podTemplateSpec, solversOf } from '../model/issuer.js';
import type { ObjectRule, Problem } from './rule.js';

export const solverPullSecretsNeedCertManager112: ObjectRule<'solver-pull-secrets-need-cert-manager-1.12'> = {
  id: 'solver-pull-secrets-need-cert-manager-1.12',
  scope: 'object',
  defaultSeverity: 'warning',
  title: 'podTemplate.spec.imagePullSecrets needs cert-manager 1.12+ and hides the ServiceAccount\'s pull secrets',
  why:
    'cert-manager added podTemplate.spec.imagePullSecrets in 1.12; older versions (TAP 1.5 ships 1.11) prune the field silently, so the Pod still has no credentials. Where it is served, a Pod with its own pull secrets no longer receives the ServiceAccount\'s imagePullSecrets from the API server.',
  check(o) {
    if (!isIssuer(o)) return [];
    const problems: Problem<'solver-pull-secrets-need-cert-manager-1.12'>[] = [];
    for (const s of solversOf(o)) {
      for (const v of s.http01Variants) {
        const spec = podTemplateSpec(s, v);
        if (!spec || spec['imagePullSecrets'] === undefined || spec['imagePullSecrets'] === null) continue;
        problems.push({
          object: o,
          path: [...s.path, 'http01', v, 'podTemplate', 'spec', 'imagePullSecrets'],
          part: 'key',
          message: `${describeRef(o)}: HTTP01 solver ${s.index + 1} sets podTemplate.spec.imagePullSecrets, which cert-manager before 1.12 (TAP 1.5 and older) drops silently, and which stops the API server from adding the ServiceAccount's own pull secrets; prefer serviceAccountName with a ServiceAccount that carries imagePullSecrets`,
          fixes: ['serviceaccount'],
          data: { solverIndex: s.index },
        });
      }
    }
    return problems;
  },
};
