import type { Dns01Provider, FieldError } from '../provider.js';
import { present, required, validateSecretRef } from '../provider.js';
import { isObj, nonEmptyString } from '../../model/value.js';

const ENVIRONMENTS = ['AzurePublicCloud', 'AzureChinaCloud', 'AzureGermanCloud', 'AzureUSGovernmentCloud'] as const;

export const azureDNS: Dns01Provider = {
  key: 'azureDNS',
  title: 'Azure DNS',
  fields: [
    { path: ['subscriptionID'], type: 'string', description: 'Azure subscription ID', required: true },
    { path: ['resourceGroupName'], type: 'string', description: 'resource group of the DNS zone', required: true },
    { path: ['hostedZoneName'], type: 'string', description: 'DNS zone name' },
    { path: ['environment'], type: 'enum', values: ENVIRONMENTS, description: 'Azure cloud' },
    { path: ['clientID'], type: 'string', description: 'service principal client ID (with tenantID and clientSecretSecretRef)' },
    { path: ['tenantID'], type: 'string', description: 'service principal tenant ID' },
    { path: ['clientSecretSecretRef'], type: 'secretRef', description: 'secret holding the service principal secret, NAME:KEY' },
    { path: ['managedIdentity', 'clientID'], type: 'string', description: 'managed identity client ID' },
    { path: ['managedIdentity', 'resourceID'], type: 'string', description: 'managed identity resource ID' },
    { path: ['managedIdentity', 'tenantID'], type: 'string', description: 'managed identity tenant ID' },
  ],
  validate(c, version) {
    const base = ['azureDNS'];
    const errs: FieldError[] = [];
    const mi = isObj(c['managedIdentity']) ? c['managedIdentity'] : undefined;
    if (nonEmptyString(c['clientID']) || nonEmptyString(c['tenantID']) || present(c, 'clientSecretSecretRef')) {
      errs.push(...required(c, 'clientID', base));
      if (!present(c, 'clientSecretSecretRef')) errs.push({ path: [...base, 'clientSecretSecretRef'], message: 'clientSecretSecretRef is required with clientID or tenantID' });
      else errs.push(...validateSecretRef(c['clientSecretSecretRef'], [...base, 'clientSecretSecretRef']));
      errs.push(...required(c, 'tenantID', base));
      if (present(c, 'managedIdentity')) {
        errs.push({ path: [...base, 'managedIdentity'], message: 'managed identity cannot be used at the same time as clientID, clientSecretSecretRef or tenantID' });
      }
    } else if (mi) {
      const has = (k: string) => nonEmptyString(mi[k]);
      if (has('clientID') && has('resourceID')) errs.push({ path: [...base, 'managedIdentity'], message: 'managedIdentity clientID and resourceID cannot both be specified' });
      if (version.azureManagedIdentityTenant && has('tenantID') && has('resourceID')) errs.push({ path: [...base, 'managedIdentity'], message: 'managedIdentity tenantID and resourceID cannot both be specified' });
      if (version.azureManagedIdentityTenant && has('tenantID') && !has('clientID')) errs.push({ path: [...base, 'managedIdentity'], message: 'managedIdentity clientID is required with tenantID' });
    }
    errs.push(...required(c, 'subscriptionID', base), ...required(c, 'resourceGroupName', base));
    const env = c['environment'];
    if (env !== undefined && env !== '' && !(ENVIRONMENTS as readonly unknown[]).includes(env)) {
      errs.push({ path: [...base, 'environment'], message: `must be empty or one of ${ENVIRONMENTS.join(', ')}` });
    }
    return errs;
  },
};
