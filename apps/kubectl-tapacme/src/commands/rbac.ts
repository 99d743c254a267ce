import type { CommandSpec } from './command.js';

export const rbacCommand: CommandSpec = {
  name: 'rbac',
  describe: 'print the least-privilege ClusterRole that scan and fix need',
  usage: 'rbac [-o yaml|json] [--name NAME] [--scan-only] [--pull-secret-source existing] [--verify-pull-secrets] [--bind-user NAME]... [--bind-group NAME]... [--bind-service-account NAMESPACE/NAME]...',
  long: 'Derived from the requests scan and fix make; watch needs list and watch on what it follows, and prints its own RBAC with watch --print-deployment. Bind it to a user, group or ServiceAccount with the --bind flags (a ClusterRoleBinding is added), or with kubectl create clusterrolebinding.',
  flags: () => [
    { name: 'output', short: 'o', type: 'string', values: ['yaml', 'json'], defaultValue: 'yaml', describe: 'output format', placeholder: 'FORMAT' },
    { name: 'name', type: 'string', placeholder: 'NAME', defaultValue: 'kubectl-tapacme', describe: 'name of the ClusterRole (and binding)' },
    { name: 'scan-only', type: 'boolean', describe: 'only what scan needs (read-only)' },
    { name: 'pull-secret-source', type: 'string', placeholder: 'SOURCE', describe: 'existing: fix never writes Secrets, so leave out Secret writes' },
    { name: 'verify-pull-secrets', type: 'boolean', describe: 'keep get on Secrets, which scan --verify-pull-secrets needs to read the credentials it checks (also with --scan-only)' },
    { name: 'bind-user', type: 'strings', placeholder: 'NAME', describe: 'add a ClusterRoleBinding for this user; repeatable' },
    { name: 'bind-group', type: 'strings', placeholder: 'NAME', describe: 'add a ClusterRoleBinding for this group; repeatable' },
    { name: 'bind-service-account', type: 'strings', placeholder: 'NAMESPACE/NAME', describe: 'add a ClusterRoleBinding for this ServiceAccount; repeatable' },
  ],
  examples: [
    ['rbac | kubectl apply -f -', 'create the ClusterRole'],
    ['rbac --bind-group platform-team | kubectl apply -f -', 'create it and bind it to a group'],
  ],
  run: async (args, io) => (await import('../cluster/run-rbac.js')).runRbac(args, io),
};
