import {
  certificateConsumers, describeRef, hasHttp01Solver, isIssuer, issuerKeyOf, serviceAccountsByNamespace, solverServiceAccounts,
} from '@tapacme/core';
import type { Finding, ManifestObject, ParsedFile } from '@tapacme/core';

/** ServiceAccount documents to append to one file. */
export interface EmitRequest {
  serviceAccountName: string;
  namespaces: string[];
  pullSecretName: string;
  /** Names the issuer(s) in the generated comment. */
  issuer: string;
}

export interface EmitPlan {
  /** File name -> what to append to it (the file that holds the issuer). */
  byFile: Map<string, EmitRequest[]>;
  /** Things the user should know: issuers whose consumers the files do not show, and the like. */
  notes: string[];
  /** Namespaces skipped because no such namespace can exist, with where the files name them. */
  warnings: string[];
}

export interface EmitInputs {
  files: readonly ParsedFile[];
  findings: readonly Finding[];
  /** Files that will not be written (input errors); their issuers get a note instead. */
  blocked: ReadonlySet<string>;
  /** The name this run sets on solvers that have none. */
  serviceAccountName: string;
  /** --pull-secret, when given; otherwise copied from the ServiceAccount's existing definition, else the default. */
  pullSecretName: string | undefined;
  defaultPullSecret: string;
}

/**
 * For each issuer with HTTP01 solvers: the namespaces the set shows obtaining certificates from it
 * (Certificates' issuerRef, ingress-shim annotations, a namespaced Issuer's own namespace) that lack
 * the solver's ServiceAccount. A name is emitted when this run sets it, or when the set already
 * defines it somewhere (the files manage it); a name defined nowhere is managed elsewhere, so it is left alone.
 * Each (namespace, name) is emitted once, into the first issuer file that needs it.
 */
export function planServiceAccounts(inp: EmitInputs): EmitPlan {
  const objects = inp.files.flatMap((f) => f.objects);
  const consumers = certificateConsumers(objects);
  const accounts = serviceAccountsByNamespace(objects);
  const byFile = new Map<string, EmitRequest[]>();
  const notes: string[] = [];
  const warnings: string[] = [];
  const done = new Set<string>();
  const fixedHere = new Set(
    inp.findings.filter((f) => f.rule === 'http01-solver-missing-service-account').map((f) => `${f.fileName ?? ''}\0${f.docIndex ?? -1}\0${JSON.stringify(f.itemPath ?? [])}`),
  );

  for (const issuer of objects) {
    if (!isIssuer(issuer) || !hasHttp01Solver(issuer) || issuer.origin.type !== 'file') continue;
    const fileName = issuer.origin.fileName;
    const names = new Set(solverServiceAccounts(issuer));
    if (fixedHere.has(`${fileName}\0${issuer.origin.docIndex}\0${JSON.stringify(issuer.origin.itemPath)}`)) names.add(inp.serviceAccountName);
    if (names.size === 0) continue;
    const perNs = consumers.get(issuerKeyOf(issuer));
    if (!perNs || perNs.size === 0) {
      notes.push(`${fileName}: no Certificate, Ingress or Gateway in the files uses ${describeRef(issuer)}, so no namespace is known for its ServiceAccount; create it in each namespace that obtains certificates from it`);
      continue;
    }
    for (const name of names) {
      const definedIn = [...accounts.entries()].filter(([, set]) => set.has(name)).map(([ns]) => ns);
      if (name !== inp.serviceAccountName && definedIn.length === 0) {
        notes.push(`${fileName}: ${describeRef(issuer)} uses ServiceAccount "${name}", which these files do not define; it is left to whatever manages it`);
        continue;
      }
      const missing = [...perNs.keys()].filter((ns) => !accounts.get(ns)?.has(name) && !done.has(`${ns}\0${name}`)).sort().filter((ns) => {
        if (ns === '' || DNS1123_LABEL.test(ns)) return true;
        if (!done.has(`${ns}\0${name}`)) warnings.push(`${namespaceSource(inp.files, perNs.get(ns)?.[0]?.object)}: not adding ServiceAccount "${name}" to namespace "${ns}": it is not a valid namespace name (a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit)`);
        done.add(`${ns}\0${name}`);
        return false;
      });
      if (missing.length === 0) continue;
      if (inp.blocked.has(fileName)) {
        notes.push(`${fileName}: not adding ServiceAccount "${name}" for ${describeRef(issuer)}: the file has errors`);
        continue;
      }
      for (const ns of missing) done.add(`${ns}\0${name}`);
      const pullSecretName = inp.pullSecretName ?? existingPullSecret(objects, name) ?? inp.defaultPullSecret;
      const list = byFile.get(fileName) ?? [];
      const same = list.find((r) => r.serviceAccountName === name && r.pullSecretName === pullSecretName);
      if (same) {
        same.namespaces.push(...missing);
        same.issuer += `, ${describeRef(issuer)}`;
      } else {
        list.push({ serviceAccountName: name, namespaces: missing, pullSecretName, issuer: describeRef(issuer) });
      }
      byFile.set(fileName, list);
    }
  }
  return { byFile, notes, warnings };
}

/** A namespace name, as the API server checks it. */
const DNS1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** "file:line" of the metadata.namespace that names a namespace. */
function namespaceSource(files: readonly ParsedFile[], o: ManifestObject | undefined): string {
  if (!o || o.origin.type !== 'file') return '(cluster)';
  const origin = o.origin;
  const file = files.find((f) => f.fileName === origin.fileName);
  const range = file?.locate(origin.docIndex, [...origin.itemPath, 'metadata', 'namespace'], 'value');
  return `${origin.fileName}:${range ? range.start.line + 1 : 1}`;
}

/** The first pull secret an existing definition of the ServiceAccount names, so new copies match it. */
function existingPullSecret(objects: readonly ManifestObject[], name: string): string | undefined {
  for (const o of objects) {
    if (o.kind !== 'ServiceAccount' || o.apiVersion !== 'v1' || o.name !== name) continue;
    const secrets = o.value['imagePullSecrets'];
    if (!Array.isArray(secrets)) continue;
    for (const s of secrets) {
      const n = typeof s === 'object' && s !== null ? (s as Record<string, unknown>)['name'] : undefined;
      if (typeof n === 'string' && n !== '') return n;
    }
  }
  return undefined;
}
