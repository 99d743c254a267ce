import { certificateConsumers } from '../model/certificate-consumers.js';
import { isIssuer, issuerKeyOf } from '../model/issuer.js';
import { ParsedFile } from '../parse/parsed-file.js';
import type { Finding } from '../service/finding.js';

export interface NamespaceChoice {
  namespace: string;
  /** Why it is offered: the issuer's consumers come first. */
  reason: string;
}

/**
 * Namespaces a file shows, for the ServiceAccount manifest of the solver a finding names: first those
 * whose Certificates (or Ingress annotations) use the issuer, then every other namespace written in
 * the file. The solver Pod runs in the Certificate's namespace, so that is where it must exist.
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
