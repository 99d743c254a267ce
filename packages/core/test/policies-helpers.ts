import { parseAllDocuments } from 'yaml';
import { ParsedFile } from '../src/index.js';
import type { ManifestObject } from '../src/index.js';

export const clusterIssuer = (name = 'letsencrypt', podTemplate = ''): string => `apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: ${name}
spec:
  acme:
    server: https://acme-v02.api.letsencrypt.org/directory
    privateKeySecretRef:
      name: le-key
    solvers:
    - http01:
        ingress:
          ingressClassName: contour
${podTemplate}`;

export function objectsOf(...texts: string[]): ManifestObject[] {
  return texts.flatMap((t, i) => {
    const f = new ParsedFile(`in-${i}.yaml`, t);
    if (f.errors.length > 0) throw new Error(f.errors.map((e) => e.message).join('; '));
    return f.objects;
  });
}

/** Parses a YAML stream strictly; throws on any error so a test cannot pass on broken output. */
export function parseStream(text: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('not a stream');
  const errors = docs.flatMap((d) => d.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(errors.join('; '));
  return docs.map((d) => d.toJS() as Record<string, unknown>).filter((d) => d !== null);
}
