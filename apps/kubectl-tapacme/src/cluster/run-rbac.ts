import { isDns1123Subdomain } from '@tapacme/core';
import type { ParsedArgs } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../output/io.js';
import { UsageError } from '../usage-error.js';
import { clusterRole, clusterRoleBinding, rbacYaml } from './rbac.js';
import type { Subject } from './rbac.js';

export async function runRbac(args: ParsedArgs, io: Io): Promise<number> {
  const output = args.choice('output', ['yaml', 'json'] as const, 'yaml', '-o/--output');
  const name = args.string('name') ?? 'kubectl-tapacme';
  if (!isDns1123Subdomain(name)) throw new UsageError(`--name "${name}" is not a valid ClusterRole name`);
  const source = args.string('pull-secret-source');
  if (source !== undefined && source !== 'existing' && source !== 'placeholder' && !source.startsWith('copy:')) {
    throw new UsageError(`--pull-secret-source must be existing, placeholder or copy:NAMESPACE/NAME, got "${source}"`);
  }
  const subjects: Subject[] = [
    ...args.strings('bind-user').map((n): Subject => ({ kind: 'User', name: n, apiGroup: 'rbac.authorization.k8s.io' })),
    ...args.strings('bind-group').map((n): Subject => ({ kind: 'Group', name: n, apiGroup: 'rbac.authorization.k8s.io' })),
    ...args.strings('bind-service-account').map((v): Subject => {
      const [ns, sa, ...rest] = v.split('/');
      if (!ns || !sa || rest.length > 0) throw new UsageError(`--bind-service-account takes NAMESPACE/NAME, got "${v}"`);
      return { kind: 'ServiceAccount', name: sa, namespace: ns };
    }),
  ];
  const options = { name, scanOnly: args.bool('scan-only'), noSecretWrites: source === 'existing', verifyPullSecrets: args.bool('verify-pull-secrets') };
  if (output === 'json') {
    const role = clusterRole(options);
    io.out(`${JSON.stringify(subjects.length > 0 ? { apiVersion: 'v1', kind: 'List', items: [role, clusterRoleBinding(name, subjects)] } : role, null, 2)}\n`);
  } else {
    io.out(rbacYaml(options, subjects));
  }
  return ExitCode.ok;
}
