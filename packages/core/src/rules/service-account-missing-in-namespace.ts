import { certificateConsumers, issuerRefsOf } from '../model/certificate-consumers.js';
import { hasHttp01Solver, isIssuer, issuerKeyOf, solverServiceAccounts } from '../model/issuer.js';
import { describeRef } from '../model/manifest-object.js';
import type { ManifestObject } from '../model/manifest-object.js';
import { serviceAccountsByNamespace } from '../model/service-accounts.js';
import type { Problem, SetRule } from './rule.js';

export const serviceAccountMissingInNamespace: SetRule<'service-account-missing-in-namespace'> = {
  id: 'service-account-missing-in-namespace',
  scope: 'set',
  defaultSeverity: 'error',
  title: 'Namespace obtains certificates but has no solver ServiceAccount',
  why:
    'The solver Pod runs in the namespace of each Certificate. When the issuer names a ServiceAccount that does not exist there, the API server rejects the Pod ("serviceaccount not found") and the challenge never completes. The ServiceAccount must exist in every namespace that obtains certificates from the issuer.',
  inputOf(o) {
    const accounts = accountsNamedBy(o);
    const refs = issuerRefsOf(o);
    const isAccount = o.kind === 'ServiceAccount' && o.apiVersion === 'v1' && Boolean(o.name);
    if (accounts.length === 0 && refs.length === 0 && !isAccount) return '';
    const itemPath = o.origin.type === 'file' ? o.origin.itemPath : [];
    return JSON.stringify([o.apiVersion, o.kind, o.namespace, o.name, itemPath, accounts, refs]);
  },
  // A group per issuer key: its issuers and the objects that obtain certificates from it. Every
  // ServiceAccount matters to every group.
  groupsOf(o) {
    if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1' && o.name) return ['*'];
    const keys = new Set(issuerRefsOf(o).map((r) => r.key));
    if (accountsNamedBy(o).length > 0) keys.add(issuerKeyOf(o));
    return [...keys];
  },
  groupOf(problem) {
    return problem.data.issuer;
  },
  check(ctx) {
    // Cheapest questions first: most sets define no ServiceAccount or name none in an issuer.
    const accounts = serviceAccountsByNamespace(ctx.objects);
    if (accounts.size === 0) return [];
    const issuers = ctx.objects.filter((o) => accountsNamedBy(o).length > 0);
    if (issuers.length === 0) return [];
    const consumers = certificateConsumers(ctx.objects, new Set(issuers.map(issuerKeyOf)));
    const problems: Problem<'service-account-missing-in-namespace'>[] = [];
    // Per ServiceAccount name: the namespaces that define it, as a message lists them.
    const definedInOf = new Map<string, string>();
    for (const issuer of issuers) {
      const key = issuerKeyOf(issuer);
      const perNs = consumers.get(key);
      if (!perNs) continue;
      const issuerLabel = describeRef(issuer);
      for (const sa of solverServiceAccounts(issuer)) {
        let definedIn = definedInOf.get(sa);
        if (definedIn === undefined) {
          definedIn = [...accounts.entries()]
            .filter(([, names]) => names.has(sa))
            .map(([ns]) => `"${ns || '(no namespace)'}"`)
            .join(', ');
          definedInOf.set(sa, definedIn);
        }
        // Only when this set manages the ServiceAccount somewhere can it be missing from the rest.
        if (definedIn === '') continue;
        for (const [ns, evidence] of perNs) {
          if (accounts.get(ns)?.has(sa)) continue;
          const first = evidence[0];
          if (!first) continue;
          const nsLabel = ns === '' ? 'the namespace of the apply (none written)' : `namespace "${ns}"`;
          problems.push({
            object: first.object,
            path: first.path,
            part: 'pair',
            message: `${nsLabel} obtains certificates from ${issuerLabel} (${describeRef(first.object)}), but ServiceAccount "${sa}" is defined only in ${definedIn}: the solver Pod there will be rejected ("serviceaccount not found"); add the ServiceAccount to ${ns === '' ? 'that namespace' : `"${ns}"`}`,
            fixes: ['emit-service-account'],
            data: { namespace: ns, serviceAccount: sa, issuer: key },
          });
        }
      }
    }
    return problems;
  },
};

/** The ServiceAccounts an issuer's HTTP01 solver Pods run as; none for other objects. */
function accountsNamedBy(o: ManifestObject): readonly string[] {
  // The remembered answer first: an editor asks about every object on each keystroke.
  const names = solverServiceAccounts(o);
  return names.length > 0 && isIssuer(o) && hasHttp01Solver(o) ? names : [];
}
