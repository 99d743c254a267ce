import { KNOWN_CERT_MANAGER_VERSIONS, NEWEST_CERT_MANAGER_VERSION, parseSettings } from '@tapacme/core';
import type { Settings } from '@tapacme/core';
import type { ParsedArgs } from '../args.js';
import { UsageError } from '../usage-error.js';
import type { FlagSpec } from './command.js';

/** What the offline rules assume about the cluster the files are for; check and fix take them alike. */
export const analysisFlags: readonly FlagSpec[] = [
  {
    name: 'cert-manager-version',
    type: 'string',
    placeholder: 'VERSION',
    values: KNOWN_CERT_MANAGER_VERSIONS,
    describe: `cert-manager version whose CRD schema and webhook the issuers are checked against, e.g. 1.11 (TAP 1.5) or v1.11.5 (default: the newest known, ${NEWEST_CERT_MANAGER_VERSION})`,
  },
  { name: 'integrated-registry', type: 'boolean', describe: 'the nodes pull the solver image on their own: do not report solver ServiceAccounts without imagePullSecrets' },
];

/** The core settings these flags give. */
export function analysisSettings(args: ParsedArgs): Pick<Settings, 'certManagerVersion' | 'integratedRegistry'> {
  const version = args.string('cert-manager-version');
  if (version !== undefined && parseSettings({ certManagerVersion: version }).problems.length > 0) {
    throw new UsageError(`--cert-manager-version "${version}" is not a version: give MAJOR.MINOR or vMAJOR.MINOR.PATCH, e.g. 1.11 or v1.11.5 (known: ${KNOWN_CERT_MANAGER_VERSIONS.join(', ')})`);
  }
  return { ...(version !== undefined ? { certManagerVersion: version } : {}), integratedRegistry: args.bool('integrated-registry') };
}
