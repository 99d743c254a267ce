import { stringify } from 'yaml';
import { certificateConsumers } from '../model/certificate-consumers.js';
import type { ManifestObject } from '../model/manifest-object.js';
import { getIn, isObj } from '../model/value.js';
import type { Obj } from '../model/value.js';
import { COVERAGE_LABEL, EMPTY_DOCKERCONFIGJSON, ISSUERS_ANNOTATION, SECRETGEN_PLACEHOLDER_ANNOTATION, TAP_NS_LABEL } from './labels.js';
import type { DurableOptions } from './options.js';
import type { DurableTarget } from './targets.js';

/** The name the additional source gets under the provisioner's _ytt_lib (TAP 1.4/1.5 require `path`; later ones accept it). */
export const NSP_SOURCE_NAME = 'tapacme-acme-solver';

const yaml = (o: Obj): string => stringify(o, { lineWidth: 0 });

/**
 * The ytt file for `namespace_provisioner.additional_sources`. The provisioner renders it once per namespace it
 * manages, with data.values.name set to that namespace, and applies the result there (objects carry no namespace).
 * ytt rejects plain `#` comments, so every comment here is `#!`.
 */
export function namespaceProvisionerYtt(targets: readonly DurableTarget[], o: DurableOptions, header: readonly string[]): string {
  // ServiceAccount name -> issuers that use it; namespaced Issuers only need it in their own namespace.
  const bySa = new Map<string, { keys: string[]; namespaces: Set<string> | 'all' }>();
  for (const t of targets) {
    for (const sa of t.serviceAccounts) {
      const e = bySa.get(sa) ?? { keys: [], namespaces: new Set<string>() };
      e.keys.push(t.key);
      if (!t.namespace) e.namespaces = 'all';
      else if (e.namespaces !== 'all') e.namespaces.add(t.namespace);
      bySa.set(sa, e);
    }
  }
  const lines: string[] = header.map((l) => `#! ${l}`.trimEnd());
  lines.push('#@ load("@ytt:data", "data")');
  const guard = (namespaces: Set<string> | 'all'): string[] =>
    namespaces === 'all' ? [] : [`#@ if/end data.values.name in ${JSON.stringify([...namespaces].sort())}:`];
  const allNamespaces = new Set<string>();
  let everywhere = false;
  for (const [sa, e] of [...bySa].sort(([a], [b]) => a.localeCompare(b))) {
    if (e.namespaces === 'all') everywhere = true;
    else for (const n of e.namespaces) allNamespaces.add(n);
    lines.push(...guard(e.namespaces), '---');
    lines.push(
      yaml({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: sa, labels: { [COVERAGE_LABEL]: 'namespace-provisioner' }, annotations: { [ISSUERS_ANNOTATION]: e.keys.join(',') } },
        imagePullSecrets: [{ name: o.pullSecretName }],
      }).trimEnd(),
    );
  }
  if (o.pullSecretSource.kind === 'placeholder') {
    lines.push('#! The placeholder that secretgen-controller fills with the registry credentials TAP exports to all namespaces.');
    lines.push(...guard(everywhere ? 'all' : allNamespaces), '---');
    lines.push(
      yaml({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: o.pullSecretName,
          labels: { [COVERAGE_LABEL]: 'namespace-provisioner' },
          annotations: { [SECRETGEN_PLACEHOLDER_ANNOTATION]: '' },
        },
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': EMPTY_DOCKERCONFIGJSON },
      }).trimEnd(),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The tap-values.yaml fragment that adds the ytt file's Git location as an additional source. */
export function namespaceProvisionerValues(o: DurableOptions): Obj {
  return {
    namespace_provisioner: {
      additional_sources: [
        { git: { url: o.git.url, ref: o.git.ref, subPath: o.git.subPath }, path: `_ytt_lib/${NSP_SOURCE_NAME}` },
      ],
    },
  };
}

/**
 * Namespaces that obtain certificates from the target but are not managed by the Namespace Provisioner's controller
 * (no `apps.tanzu.vmware.com/tap-ns` label): an additional source never reaches them. Needs Namespace objects.
 */
export function namespacesOutsideProvisioner(target: DurableTarget, objects: readonly ManifestObject[], selectorLabel = TAP_NS_LABEL): string[] {
  const managed = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'Namespace' || o.apiVersion !== 'v1' || !o.name) continue;
    const labels = getIn(o.value, ['metadata', 'labels']);
    if (isObj(labels) && typeof labels[selectorLabel] === 'string') managed.add(o.name);
  }
  const perNs = certificateConsumers(objects).get(target.key);
  return [...(perNs?.keys() ?? [])].filter((ns) => ns !== '' && !managed.has(ns)).sort();
}
