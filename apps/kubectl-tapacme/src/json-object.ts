/** A decoded JSON object: an API object as the server sends it, or a part of one. */
export type Obj = Record<string, unknown>;
