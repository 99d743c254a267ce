import { describeRef } from '../model/manifest-object.js';
import { isIssuer, isLegacyIssuerVersion } from '../model/issuer.js';
import type { ObjectRule } from './rule.js';

export const legacyApiVersion: ObjectRule<'legacy-api-version'> = {
  id: 'legacy-api-version',
  scope: 'object',
  defaultSeverity: 'warning',
  title: 'Issuer uses an API version cert-manager no longer serves',
  why:
    'cert-manager 1.x serves only cert-manager.io/v1. An issuer written in certmanager.k8s.io/v1alpha1, cert-manager.io/v1alpha2, v1alpha3 or v1beta1 is rejected by the API server, so none of its solver settings take effect.',
  check(o) {
    if (!isIssuer(o) || !isLegacyIssuerVersion(o.apiVersion)) return [];
    return [
      {
        object: o,
        path: ['apiVersion'],
        part: 'value',
        message: `${describeRef(o)} uses apiVersion ${o.apiVersion}, which current cert-manager no longer serves; rewrite it as cert-manager.io/v1 (\`cmctl convert\` does it)`,
        data: { apiVersion: o.apiVersion },
      },
    ];
  },
};
