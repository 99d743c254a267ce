import type { Dns01Provider } from '../provider.js';
import { validateSecretRef } from '../provider.js';

export const digitalocean: Dns01Provider = {
  key: 'digitalocean',
  title: 'DigitalOcean',
  fields: [{ path: ['tokenSecretRef'], type: 'secretRef', description: 'secret holding the API token, NAME:KEY', required: true }],
  validate(c) {
    return validateSecretRef(c['tokenSecretRef'], ['digitalocean', 'tokenSecretRef']);
  },
};
