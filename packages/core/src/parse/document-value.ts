import { simpleValue } from './simple-yaml/nodes.js';
import { readSimpleYaml } from './simple-yaml/read-stream.js';
import { parseOneDocument } from './yaml-documents.js';

/**
 * The plain value of the one document in `text` (as parseOneDocument takes it): by the fast reader
 * when it reads the document itself, which gives `yaml`'s values several times faster, else by
 * `yaml`. Undefined when the text is not exactly one document without errors.
 */
export function documentValue(text: string, last: boolean): { value: unknown } | undefined {
  const docs = readSimpleYaml(text);
  const only = docs?.length === 1 ? docs[0] : undefined;
  if (only?.type === 'read') return { value: simpleValue(only.node) };
  const doc = parseOneDocument(text, last);
  return doc && { value: doc.toJS({ maxAliasCount: 10_000 }) as unknown };
}
