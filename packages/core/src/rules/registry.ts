import { http01SolverMissingServiceAccount } from './http01-solver-missing-service-account.js';
import { invalidSolver } from './invalid-solver.js';
import { legacyApiVersion } from './legacy-api-version.js';
import { pullSecretEntryMalformed } from './pull-secret-entry-malformed.js';
import { pullSecretWrongType } from './pull-secret-wrong-type.js';
import type { Rule, RuleId } from './rule.js';
import { serviceAccountMissingInNamespace } from './service-account-missing-in-namespace.js';
import { solverPullSecretsNeedCertManager112 } from './solver-pull-secrets-need-cert-manager-1-12.js';
import { solverServiceAccountWithoutPullSecrets } from './solver-service-account-without-pull-secrets.js';

/** Every rule, in the order findings are reported for one object. */
export const rules: readonly Rule[] = [
  http01SolverMissingServiceAccount,
  invalidSolver,
  solverPullSecretsNeedCertManager112,
  legacyApiVersion,
  serviceAccountMissingInNamespace,
  pullSecretEntryMalformed,
  solverServiceAccountWithoutPullSecrets,
  pullSecretWrongType,
];

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}

export const ruleIds: readonly RuleId[] = rules.map((r) => r.id);
