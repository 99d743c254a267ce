import { certificateConsumers, issuerRefsOf } from '../model/certificate-consumers.js';
import { hasHttp01Solver, isIssuer, issuerKeyOf, podTemplateSpec, solversOf } from '../model/issuer.js';
import { describeRef } from '../model/manifest-object.js';
import type { ManifestObject } from '../model/manifest-object.js';
import { isSecretgenPlaceholder, isServiceAccount, PULL_SECRETS_PATH, pullSecretsOf, serviceAccountPatcher } from '../model/pull-secrets.js';
import { nonEmptyString } from '../model/value.js';
import type { Problem, SetRule } from './rule.js';

export const solverServiceAccountWithoutPullSecrets: SetRule<'solver-service-account-without-pull-secrets'> = {
  id: 'solver-service-account-without-pull-secrets',
  scope: 'set',
  defaultSeverity: 'error',
  title: 'The solver\'s ServiceAccount has no imagePullSecrets',
  why:
    'The HTTP01 solver Pod runs as the ServiceAccount its issuer names, and the API server gives the Pod that ServiceAccount\'s imagePullSecrets. Without any, the Pod starts, then fails with ErrImagePull on the privately hosted solver image, and the certificate is never issued.',
  inputOf(o) {
    if (isServiceAccount(o)) return o.name ? JSON.stringify(['sa', o.namespace, o.name, lacksPullSecrets(o), itemPathOf(o)]) : '';
    if (isSecretgenPlaceholder(o)) return JSON.stringify(['placeholder', o.namespace]);
    const patched = serviceAccountPatcher(o);
    if (patched.length > 0) return JSON.stringify(['patcher', patched]);
    const named = namesNeedingPullSecrets(o);
    const refs = issuerRefsOf(o);
    if (named.length === 0 && refs.length === 0) return '';
    return JSON.stringify([o.apiVersion, o.kind, o.namespace, o.name, itemPathOf(o), named, refs]);
  },
  check(ctx) {
    if (ctx.settings.integratedRegistry) return [];
    const bare = ctx.objects.filter((o) => isServiceAccount(o) && o.name && lacksPullSecrets(o));
    if (bare.length === 0) return [];
    const issuers = ctx.objects.filter((o) => namesNeedingPullSecrets(o).length > 0);
    if (issuers.length === 0) return [];
    const consumers = certificateConsumers(ctx.objects, new Set(issuers.map(issuerKeyOf)));
    // Pull secrets that arrive at run time: secretgen placeholders, policies that patch ServiceAccounts.
    const placeholders = new Set(ctx.objects.filter(isSecretgenPlaceholder).map((o) => o.namespace ?? ''));
    const patched = new Set(ctx.objects.flatMap(serviceAccountPatcher));
    const problems: Problem<'solver-service-account-without-pull-secrets'>[] = [];
    for (const sa of bare) {
      const ns = sa.namespace ?? '';
      if (placeholders.has(ns) || patched.has(ns) || patched.has('*')) continue;
      const by = issuers.filter((issuer) => {
        if (!namesNeedingPullSecrets(issuer).includes(sa.name ?? '')) return false;
        const perNs = consumers.get(issuerKeyOf(issuer));
        // Any namespace when the files show none obtaining certificates from the issuer.
        return !perNs || perNs.size === 0 || perNs.has(ns);
      });
      if (by.length === 0) continue;
      const field = pullSecretsOf(sa);
      problems.push({
        object: sa,
        path: field.state === 'empty' ? PULL_SECRETS_PATH : ['metadata', 'name'],
        part: field.state === 'empty' ? 'pair' : 'value',
        message: `${describeRef(sa)} is the HTTP01 solver's ServiceAccount (${by.map(describeRef).join(', ')}) but has no imagePullSecrets: the solver Pod will fail with ErrImagePull on a private registry; add imagePullSecrets with the registry's pull secret (or set the integrated-registry setting when the nodes pull on their own)`,
        fixes: ['pull-secrets-add'],
        data: { serviceAccount: sa.name ?? '', namespace: ns },
      });
    }
    return problems;
  },
};

function lacksPullSecrets(sa: ManifestObject): boolean {
  const state = pullSecretsOf(sa).state;
  return state === 'missing' || state === 'empty';
}

function itemPathOf(o: ManifestObject): readonly (string | number)[] {
  return o.origin.type === 'file' ? o.origin.itemPath : [];
}

/** The ServiceAccounts an issuer's HTTP01 solvers run as without pull secrets of their own. */
function namesNeedingPullSecrets(o: ManifestObject): string[] {
  if (!isIssuer(o) || !hasHttp01Solver(o)) return [];
  const names = new Set<string>();
  for (const s of solversOf(o)) {
    for (const v of s.http01Variants) {
      const spec = podTemplateSpec(s, v);
      const own = spec?.['imagePullSecrets'];
      if (Array.isArray(own) && own.length > 0) continue;
      const sa = spec?.['serviceAccountName'];
      if (nonEmptyString(sa)) names.add(sa);
    }
  }
  return [...names];
}
