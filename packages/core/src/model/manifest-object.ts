/** A path into an object's plain value, e.g. ['spec', 'acme', 'solvers', 0, 'http01']. */
export type JsonPath = readonly (string | number)[];

/** Identity of a Kubernetes object as a finding or plan names it. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
}

/** Where an object came from: a document in a file, or the API server. */
export type ObjectOrigin = FileOrigin | ClusterOrigin;

export interface FileOrigin {
  type: 'file';
  fileName: string;
  /** Index of the YAML document in the stream. */
  docIndex: number;
  /** Path of the object inside its document: [] for a top-level object, ['items', i] inside a List. */
  itemPath: JsonPath;
}

export interface ClusterOrigin {
  type: 'cluster';
  resourceVersion?: string;
  uid?: string;
}

/** A Kubernetes object as every rule sees it: plain JSON-like data plus where it came from. */
export interface ManifestObject extends ObjectRef {
  value: Record<string, unknown>;
  origin: ObjectOrigin;
}

export function refOf(o: ObjectRef): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind };
  if (o.name !== undefined) ref.name = o.name;
  if (o.namespace !== undefined) ref.namespace = o.namespace;
  return ref;
}

/** "ClusterIssuer/letsencrypt" or "Certificate team-a/web". */
export function describeRef(o: ObjectRef): string {
  const name = o.name ?? '(unnamed)';
  return o.namespace ? `${o.kind} ${o.namespace}/${name}` : `${o.kind} ${name}`;
}

export function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
