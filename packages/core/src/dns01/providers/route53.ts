import type { Dns01Provider, FieldError } from '../provider.js';
import { present, validateSecretRef } from '../provider.js';
import { nonEmptyString } from '../../model/value.js';

export const route53: Dns01Provider = {
  key: 'route53',
  title: 'AWS Route53',
  fields: [
    { path: ['region'], type: 'string', description: 'AWS region (optional with ambient credentials)' },
    { path: ['hostedZoneID'], type: 'string', description: 'hosted zone ID, skips the zone lookup' },
    { path: ['role'], type: 'string', description: 'IAM role ARN to assume' },
    { path: ['accessKeyID'], type: 'string', description: 'access key ID (not secret)' },
    { path: ['accessKeyIDSecretRef'], type: 'secretRef', description: 'secret holding the access key ID, NAME:KEY' },
    { path: ['secretAccessKeySecretRef'], type: 'secretRef', description: 'secret holding the secret access key, NAME:KEY' },
  ],
  validate(c, version) {
    const base = ['route53'];
    const errs: FieldError[] = [];
    if (version.route53NeedsRegion && !nonEmptyString(c['region'])) errs.push({ path: [...base, 'region'], message: 'region is required by this cert-manager version' });
    // Neither key is required: ambient credentials (IRSA, instance role) are valid.
    if (nonEmptyString(c['accessKeyID']) && present(c, 'accessKeyIDSecretRef')) {
      errs.push({ path: base, message: 'accessKeyID and accessKeyIDSecretRef cannot both be specified' });
    }
    if (present(c, 'accessKeyIDSecretRef')) errs.push(...validateSecretRef(c['accessKeyIDSecretRef'], [...base, 'accessKeyIDSecretRef']));
    return errs;
  },
};
