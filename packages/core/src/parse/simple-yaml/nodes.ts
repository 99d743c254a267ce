// What the fast reader gives: nodes with `yaml`'s ranges, and the documents of a stream, each read or left to `yaml`.

export type SimpleNode = SimpleScalar | SimpleMap | SimpleSeq;

interface NodeBase {
  /** Offsets as `yaml`'s node.range[0] and [1]. */
  start: number;
  end: number;
  /** As `yaml`'s node.range[2] in a document without full-line comments. */
  tail: number;
}
export interface SimpleScalar extends NodeBase {
  type: 'scalar';
  value: unknown;
}
export interface SimpleMap extends NodeBase {
  type: 'map';
  entries: SimpleEntry[];
}
export interface SimpleSeq extends NodeBase {
  type: 'seq';
  items: SimpleNode[];
}
export interface SimpleEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: SimpleNode;
}

/** A document the reader read. */
export interface SimpleDocument {
  type: 'read';
  /** Where the document's own text begins (after its `---` line) and ends (before the next marker). */
  from: number;
  to: number;
  node: SimpleNode | null;
  /** The document has full-line comments: collection ranges may differ from `yaml`'s, ask it. */
  hasLineComments: boolean;
}

/** A document left to `yaml`: the text from its `---` line (or the stream's start) to the next marker line. */
export interface LeftDocument {
  type: 'left';
  from: number;
  to: number;
}

export type StreamDocument = SimpleDocument | LeftDocument;

/** The plain value of a node the reader read. */
export function simpleValue(node: SimpleNode | null): unknown {
  if (node === null) return null;
  switch (node.type) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(simpleValue);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) out[e.key] = simpleValue(e.value);
      return out;
    }
  }
}

/** The value of a top-level scalar such as `kind`, without converting the rest of the document. */
export function topLevelScalar(node: SimpleNode | null, key: string): unknown {
  if (node?.type !== 'map') return undefined;
  for (const e of node.entries) if (e.key === key) return e.value.type === 'scalar' ? e.value.value : undefined;
  return undefined;
}
