import type { Dns01Provider, FieldError } from '../provider.js';
import { present, validateSecretRef } from '../provider.js';
import { nonEmptyString } from '../../model/value.js';

export const cloudflare: Dns01Provider = {
  key: 'cloudflare',
  title: 'Cloudflare',
  fields: [
    { path: ['apiTokenSecretRef'], type: 'secretRef', description: 'secret holding an API token, NAME:KEY (preferred)', required: true },
    { path: ['apiKeySecretRef'], type: 'secretRef', description: 'secret holding a global API key, NAME:KEY (needs email)' },
    { path: ['email'], type: 'string', description: 'account email, required with apiKeySecretRef' },
  ],
  validate(c) {
    const base = ['cloudflare'];
    const errs: FieldError[] = [];
    const hasKey = present(c, 'apiKeySecretRef');
    const hasToken = present(c, 'apiTokenSecretRef');
    if (hasKey) errs.push(...validateSecretRef(c['apiKeySecretRef'], [...base, 'apiKeySecretRef']));
    if (hasToken) errs.push(...validateSecretRef(c['apiTokenSecretRef'], [...base, 'apiTokenSecretRef']));
    if (hasKey && hasToken) errs.push({ path: base, message: 'apiKeySecretRef and apiTokenSecretRef cannot both be specified' });
    if (!hasKey && !hasToken) errs.push({ path: base, message: 'apiKeySecretRef or apiTokenSecretRef is required' });
    if (hasKey && !nonEmptyString(c['email'])) errs.push({ path: [...base, 'email'], message: 'email is required with apiKeySecretRef' });
    return errs;
  },
};
