import { certificateConsumers } from '../model/certificate-consumers.js';
import { hasHttp01Solver, isIssuer, issuerKeyOf, solverServiceAccounts } from '../model/issuer.js';
import { describeRef } from '../model/manifest-object.js';
import { serviceAccountsByNamespace } from '../model/service-accounts.js';
import type { Problem, SetRule } from './rule.js';

export const serviceAccountMissingInNamespace: SetRule = {
  id: 'service-account-missing-in-namespace',
  scope: 'set',
  defaultSeverity: 'error',
  title: 'Namespace obtains certificates but has no solver ServiceAccount',
  why:
    'The solver Pod runs in the namespace of each Certificate. When the issuer names a ServiceAccount that does not exist there, the API server rejects the Pod ("serviceaccount not found") and the challenge never completes. The ServiceAccount must exist in every namespace that obtains certificates from the issuer.',
  check(ctx) {
    // Cheapest questions first: most sets define no ServiceAccount or name none in an issuer.
    const accounts = serviceAccountsByNamespace(ctx.objects);
    if (accounts.size === 0) return [];
    const issuers = ctx.objects.filter((o) => isIssuer(o) && hasHttp01Solver(o) && solverServiceAccounts(o).length > 0);
    if (issuers.length === 0) return [];
    const consumers = certificateConsumers(ctx.objects);
    const problems: Problem[] = [];
    for (const issuer of issuers) {
      const perNs = consumers.get(issuerKeyOf(issuer));
      if (!perNs) continue;
      for (const sa of solverServiceAccounts(issuer)) {
        const definedIn = [...accounts.entries()].filter(([, names]) => names.has(sa)).map(([ns]) => ns);
        // Only when this set manages the ServiceAccount somewhere can it be missing from the rest.
        if (definedIn.length === 0) continue;
        for (const [ns, evidence] of perNs) {
          if (accounts.get(ns)?.has(sa)) continue;
          const first = evidence[0];
          if (!first) continue;
          const nsLabel = ns === '' ? 'the namespace of the apply (none written)' : `namespace "${ns}"`;
          problems.push({
            object: first.object,
            path: first.path,
            part: 'pair',
            message: `${nsLabel} obtains certificates from ${describeRef(issuer)} (${describeRef(first.object)}), but ServiceAccount "${sa}" is defined only in ${definedIn.map((n) => `"${n || '(no namespace)'}"`).join(', ')}: the solver Pod there will be rejected ("serviceaccount not found"); add the ServiceAccount to ${ns === '' ? 'that namespace' : `"${ns}"`}`,
            fixes: ['emit-service-account'],
            data: { namespace: ns, serviceAccount: sa, issuer: issuerKeyOf(issuer) },
          });
        }
      }
    }
    return problems;
  },
};
