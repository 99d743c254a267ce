import type { Dns01Provider, FieldError } from '../provider.js';
import { present, required, validateSecretRef } from '../provider.js';

export const cloudDNS: Dns01Provider = {
  key: 'cloudDNS',
  title: 'Google Cloud DNS',
  fields: [
    { path: ['project'], type: 'string', description: 'Google Cloud project', required: true },
    { path: ['hostedZoneName'], type: 'string', description: 'managed zone name, skips the zone lookup' },
    { path: ['serviceAccountSecretRef'], type: 'secretRef', description: 'secret holding the service account JSON key, NAME:KEY (omit for Workload Identity)' },
  ],
  validate(c) {
    const base = ['cloudDNS'];
    const errs: FieldError[] = [...required(c, 'project', base)];
    if (present(c, 'serviceAccountSecretRef')) errs.push(...validateSecretRef(c['serviceAccountSecretRef'], [...base, 'serviceAccountSecretRef']));
    return errs;
  },
};
