import { acmeOf, podTemplateSpec, solversOf } from '../model/issuer.js';
import type { ManifestObject } from '../model/manifest-object.js';
import { asString, isObj, isSet } from '../model/value.js';

/** How one HTTP01 solver makes its Pod: which ServiceAccount, which pull secrets of its own. */
export interface Http01PodConfig {
  solverIndex: number;
  /** podTemplate.spec.serviceAccountName, or undefined (the Pod then runs as "default"). */
  serviceAccountName: string | undefined;
  /** podTemplate.spec.imagePullSecrets names (cert-manager 1.12+). */
  podPullSecrets: string[];
}

/** Every HTTP01 solver's Pod settings, including a legacy issuer-level `acme.http01`. */
export function http01PodConfigs(issuer: ManifestObject): Http01PodConfig[] {
  const out: Http01PodConfig[] = [];
  for (const s of solversOf(issuer)) {
    for (const v of s.http01Variants) {
      const spec = podTemplateSpec(s, v);
      const sa = asString(spec?.['serviceAccountName']);
      const secrets = Array.isArray(spec?.['imagePullSecrets']) ? spec['imagePullSecrets'] : [];
      out.push({
        solverIndex: s.index,
        serviceAccountName: sa ? sa : undefined,
        podPullSecrets: secrets.map((e) => (isObj(e) ? asString(e['name']) : undefined)).filter((n): n is string => !!n),
      });
    }
  }
  if (out.length === 0 && isSet(acmeOf(issuer), 'http01')) out.push({ solverIndex: -1, serviceAccountName: undefined, podPullSecrets: [] });
  return out;
}

export function isAcmeIssuer(o: ManifestObject): boolean {
  return acmeOf(o) !== undefined;
}
