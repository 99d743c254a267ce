import { certificateConsumers, isIssuer, issuerKeyOf, ParsedFile } from '@tapacme/core';
import type { Finding } from '@tapacme/core';

export interface NamespaceChoice {
  namespace: string;
  /** Why it is offered: the issuer's consumers come first. */
  reason: string;
}

/**
 * Namespaces the file shows, for the ServiceAccount manifest of an issuer's solver: first those
 * whose Certificates (or Ingress annotations) use this issuer, then every other namespace written
 * in the file. The solver Pod runs in the Certificate's namespace, so that is where it must exist.
 */
export function namespaceChoices(text: string, fileName: string, finding: Finding): NamespaceChoice[] {
  const file = new ParsedFile(fileName, text);
  const issuer = file.objects.find((o) => isIssuer(o) && o.origin.type === 'file' && o.origin.docIndex === finding.docIndex && o.name === finding.object.name);
  const out = new Map<string, string>();
  if (issuer) {
    const consumers = certificateConsumers(file.objects).get(issuerKeyOf(issuer));
    for (const [ns, evidence] of consumers ?? []) {
      if (ns !== '') out.set(ns, `obtains certificates from this issuer (${evidence[0]?.object.kind ?? 'Certificate'} ${evidence[0]?.object.name ?? ''})`.trim());
    }
  }
  if (finding.object.namespace && !out.has(finding.object.namespace)) out.set(finding.object.namespace, 'namespace of this Issuer');
  for (const o of file.objects) {
    if (o.namespace && !out.has(o.namespace)) out.set(o.namespace, `written in this file (${o.kind} ${o.name ?? ''})`.trim());
  }
  return [...out].map(([namespace, reason]) => ({ namespace, reason }));
}

/** DNS-1123 label, as Kubernetes validates namespace names. */
export function validNamespace(s: string): string | undefined {
  if (s === '') return undefined;
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s) && s.length <= 63 ? undefined : 'a namespace is a DNS-1123 label: lower-case letters, digits and "-", at most 63 characters';
}
