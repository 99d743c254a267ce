import { certificateConsumers } from '../model/certificate-consumers.js';
import { isDns1123Label } from '../model/dns1123.js';
import { hasHttp01Solver, isIssuer, issuerKeyOf, solverServiceAccounts } from '../model/issuer.js';
import { describeRef } from '../model/manifest-object.js';
import type { ManifestObject } from '../model/manifest-object.js';
import { serviceAccountsByNamespace } from '../model/service-accounts.js';
import type { ParsedFile } from '../parse/parsed-file.js';
import type { Finding } from '../service/finding.js';
import type { FixNote } from './fix-note.js';

/** ServiceAccount documents to append to one file, one request per ServiceAccount name and pull secret. */
export interface ServiceAccountRequest {
  serviceAccountName: string;
  namespaces: string[];
  pullSecretName: string;
  /** Names the issuer(s) in the generated comment. */
  issuer?: string;
}

export interface ServiceAccountPlan {
  /** File name -> what to append to it. */
  byFile: Map<string, ServiceAccountRequest[]>;
  /** What the user should know: issuers whose consumers the files do not show, and the like. */
  notes: FixNote[];
}

export interface ConsumerPlanInputs {
  files: readonly ParsedFile[];
  findings: readonly Finding[];
  /** Files that will not be written (input errors); their issuers get a note instead. */
  blocked: ReadonlySet<string>;
  /** The name this fix sets on solvers that have none. */
  serviceAccountName: string;
  /** Chosen by the user; otherwise copied from the ServiceAccount's existing definition, else `defaultPullSecret`. */
  pullSecretName: string | undefined;
  defaultPullSecret: string;
}

/**
 * For each issuer with HTTP01 solvers: the namespaces the files show obtaining certificates from it
 * (Certificates' issuerRef, ingress-shim annotations, a namespaced Issuer's own namespace) that lack
 * the solver's ServiceAccount. A name is emitted when this fix sets it, or when the files already
 * define it somewhere (the files manage it); a name defined nowhere is managed elsewhere, so it is left alone.
 * Each (namespace, name) is emitted once, into the first issuer file that needs it.
 */
export function planForConsumers(inp: ConsumerPlanInputs): ServiceAccountPlan {
  const objects = inp.files.flatMap((f) => f.objects);
  const consumers = certificateConsumers(objects);
  const accounts = serviceAccountsByNamespace(objects);
  const byFile = new Map<string, ServiceAccountRequest[]>();
  const notes: FixNote[] = [];
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
      notes.push({
        code: 'no-consumers',
        fileName,
        message: `${fileName}: no Certificate, Ingress or Gateway in the files uses ${describeRef(issuer)}, so no namespace is known for its ServiceAccount; create it in each namespace that obtains certificates from it`,
      });
      continue;
    }
    for (const name of names) {
      const definedIn = [...accounts.entries()].filter(([, set]) => set.has(name)).map(([ns]) => ns);
      if (name !== inp.serviceAccountName && definedIn.length === 0) {
        notes.push({
          code: 'service-account-managed-elsewhere',
          fileName,
          message: `${fileName}: ${describeRef(issuer)} uses ServiceAccount "${name}", which these files do not define; it is left to whatever manages it`,
        });
        continue;
      }
      const missing = [...perNs.keys()].filter((ns) => !accounts.get(ns)?.has(name) && !done.has(`${ns}\0${name}`)).sort().filter((ns) => {
        if (ns === '' || isDns1123Label(ns)) return true;
        notes.push({
          code: 'invalid-namespace',
          fileName,
          message: `${namespaceSource(inp.files, perNs.get(ns)?.[0]?.object)}: not adding ServiceAccount "${name}" to namespace "${ns}": it is not a valid namespace name (a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit)`,
        });
        done.add(`${ns}\0${name}`);
        return false;
      });
      if (missing.length === 0) continue;
      if (inp.blocked.has(fileName)) {
        notes.push({ code: 'file-has-errors', fileName, message: `${fileName}: not adding ServiceAccount "${name}" for ${describeRef(issuer)}: the file has errors` });
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
  return { byFile, notes };
}

/**
 * The ServiceAccounts `service-account-missing-in-namespace` findings ask for, into each finding's file:
 * what an editor's fix-all adds to the one document it fixes.
 */
export function planForFindings(findings: readonly Finding[], defaults: { serviceAccountName: string; pullSecretName: string }): ServiceAccountPlan {
  const byFile = new Map<string, ServiceAccountRequest[]>();
  for (const f of findings) {
    if (f.rule !== 'service-account-missing-in-namespace') continue;
    const fileName = f.fileName ?? '';
    const serviceAccountName = f.data.serviceAccount || defaults.serviceAccountName;
    const list = byFile.get(fileName) ?? [];
    let request = list.find((r) => r.serviceAccountName === serviceAccountName);
    if (!request) {
      request = { serviceAccountName, namespaces: [], pullSecretName: defaults.pullSecretName, ...(f.data.issuer ? { issuer: f.data.issuer } : {}) };
      list.push(request);
      byFile.set(fileName, list);
    }
    if (!request.namespaces.includes(f.data.namespace)) request.namespaces.push(f.data.namespace);
  }
  return { byFile, notes: [] };
}

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
