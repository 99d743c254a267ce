import { describeRef } from '../model/manifest-object.js';
import { isIssuer, podTemplateSpec, solversOf } from '../model/issuer.js';
import { nonEmptyString } from '../model/value.js';
import type { ObjectRule, Problem } from './rule.js';

export const http01SolverMissingServiceAccount: ObjectRule<'http01-solver-missing-service-account'> = {
  id: 'http01-solver-missing-service-account',
  scope: 'object',
  defaultSeverity: 'error',
  title: 'HTTP01 solver Pod has no ServiceAccount or pull secrets',
  why:
    'cert-manager starts an HTTP01 solver Pod in the namespace of every Certificate. When the solver image comes from a private registry (as with Tanzu Application Platform), a Pod without a ServiceAccount that carries imagePullSecrets fails with ErrImagePull and the certificate is never issued.',
  check(o) {
    if (!isIssuer(o)) return [];
    const problems: Problem<'http01-solver-missing-service-account'>[] = [];
    for (const s of solversOf(o)) {
      const missing = s.http01Variants.some((v) => {
        const spec = podTemplateSpec(s, v);
        return !nonEmptyString(spec?.['serviceAccountName']) && !isSetList(spec?.['imagePullSecrets']);
      });
      if (!missing) continue;
      problems.push({
        object: o,
        path: [...s.path, 'http01'],
        part: 'key',
        message: `${describeRef(o)}: HTTP01 solver ${s.index + 1} starts its Pod without a ServiceAccount or pull secrets, so the solver image cannot be pulled from a private registry (ErrImagePull); set podTemplate.spec.serviceAccountName to a ServiceAccount with imagePullSecrets, or use DNS01`,
        fixes: ['serviceaccount', 'dns01'],
        data: { solverIndex: s.index },
      });
    }
    return problems;
  },
};

function isSetList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}
