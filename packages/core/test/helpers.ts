import { analyze, fix } from '../src/index.js';
import type { FixOptions } from '../src/index.js';

/** Analyse then fix one text, as the CLI does for one file. */
export function fixText(text: string, options: Partial<FixOptions> = {}, fileName = 'issuer.yaml'): string {
  const { findings, errors } = analyze(text, { fileName });
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return fix(text, findings, { strategy: 'serviceaccount', fileName, ...options }).text;
}

export function issuer(solvers: string, head = 'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\n'): string {
  return `${head}spec:\n  acme:\n    server: https://acme-v02.api.letsencrypt.org/directory\n    privateKeySecretRef:\n      name: le-key\n    solvers:\n${solvers}`;
}

export function rulesOf(text: string, fileName = 'x.yaml'): string[] {
  return analyze(text, { fileName }).findings.map((f) => f.rule);
}
