import type { Dns01Provider } from '../provider.js';
import { required, validateSecretRef } from '../provider.js';

export const acmeDNS: Dns01Provider = {
  key: 'acmeDNS',
  title: 'ACME-DNS',
  fields: [
    { path: ['host'], type: 'string', description: 'acme-dns server URL', required: true },
    { path: ['accountSecretRef'], type: 'secretRef', description: 'secret holding the acme-dns account JSON, NAME:KEY', required: true },
  ],
  validate(c) {
    return [...validateSecretRef(c['accountSecretRef'], ['acmeDNS', 'accountSecretRef']), ...required(c, 'host', ['acmeDNS'])];
  },
};
