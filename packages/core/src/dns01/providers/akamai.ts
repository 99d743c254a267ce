import type { Dns01Provider } from '../provider.js';
import { required, validateSecretRef } from '../provider.js';

export const akamai: Dns01Provider = {
  key: 'akamai',
  title: 'Akamai Edge DNS',
  fields: [
    { path: ['serviceConsumerDomain'], type: 'string', description: 'Akamai service consumer domain', required: true },
    { path: ['clientTokenSecretRef'], type: 'secretRef', description: 'secret holding the client token, NAME:KEY', required: true },
    { path: ['clientSecretSecretRef'], type: 'secretRef', description: 'secret holding the client secret, NAME:KEY', required: true },
    { path: ['accessTokenSecretRef'], type: 'secretRef', description: 'secret holding the access token, NAME:KEY', required: true },
  ],
  validate(c) {
    const base = ['akamai'];
    return [
      ...validateSecretRef(c['accessTokenSecretRef'], [...base, 'accessTokenSecretRef']),
      ...validateSecretRef(c['clientSecretSecretRef'], [...base, 'clientSecretSecretRef']),
      ...validateSecretRef(c['clientTokenSecretRef'], [...base, 'clientTokenSecretRef']),
      ...required(c, 'serviceConsumerDomain', base),
    ];
  },
};
