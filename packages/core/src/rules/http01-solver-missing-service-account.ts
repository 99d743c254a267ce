import { describeRef } from '../model/manifest-object.js';
import { isIssuer, podTemplateSpec, solversOf } from '../model/issuer.js';
import { nonEmptyString } from '../model/value.js';
import { solverFieldServed } from '../schema/cert-manager-version.js';
import type { ObjectRule, Problem } from './rule.js';

export const http01SolverMissingServiceAccount: ObjectRule<'http01-solver-missing-service-account'> = {
  id: 'http01-solver-missing-service-account',
  scope: 'object',
  defaultSeverity: 'error',
  title: 'HTTP01 solver Pod has no ServiceAccount or pull secrets',
  why:
    'cert-manager starts an HTTP01 solver Pod in the namespace of every Certificate. When the solver image comes from a private registry (as with Tanzu Application Platform), a Pod without a ServiceAccount that carries imagePullSecrets fails with ErrImagePull and the certificate is never issued.',
  check(o, ctx) {
    if (!isIssuer(o)) return [];
    const problems: Problem<'http01-solver-missing-service-account'>[] = [];
    for (const s of solversOf(o)) {
      const missing = s.http01Variants.filter((v) => {
        const spec = podTemplateSpec(s, v);
        return !nonEmptyString(spec?.['serviceAccountName']) && !isSetList(spec?.['imagePullSecrets']);
      });
      if (missing.length === 0) continue;
      // A version whose schema has no podTemplate for this solver type leaves DNS01 or an upgrade.
      const unserved = missing.map((v) => ({ v, served: solverFieldServed(['http01', v, 'podTemplate', 'spec', 'serviceAccountName'], ctx.settings.certManagerVersion) })).find((m) => !m.served.ok);
      const remedy = unserved
        ? `cert-manager ${unserved.served.version} serves no http01.${unserved.v}.podTemplate${unserved.served.since ? ` (it arrives in ${unserved.served.since})` : ''}, so use DNS01, or upgrade cert-manager and set podTemplate.spec.serviceAccountName`
        : 'set podTemplate.spec.serviceAccountName to a ServiceAccount with imagePullSecrets, or use DNS01';
      problems.push({
        object: o,
        path: [...s.path, 'http01'],
        part: 'key',
        message: `${describeRef(o)}: HTTP01 solver ${s.index + 1} starts its Pod without a ServiceAccount or pull secrets, so the solver image cannot be pulled from a private registry (ErrImagePull); ${remedy}`,
        fixes: unserved ? ['dns01'] : ['serviceaccount', 'dns01'],
        data: { solverIndex: s.index },
      });
    }
    return problems;
  },
};

function isSetList(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}
