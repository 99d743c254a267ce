import type { Dns01Provider } from '../provider.js';
import { required } from '../provider.js';

export const webhook: Dns01Provider = {
  key: 'webhook',
  title: 'Webhook (external DNS provider)',
  fields: [
    { path: ['groupName'], type: 'string', description: 'API group of the webhook solver', required: true },
    { path: ['solverName'], type: 'string', description: 'name of the solver in that webhook', required: true },
  ],
  validate(c) {
    // The webhook itself accepts an empty groupName, but cert-manager cannot route the request without it.
    return [...required(c, 'groupName', ['webhook']), ...required(c, 'solverName', ['webhook'])];
  },
};
