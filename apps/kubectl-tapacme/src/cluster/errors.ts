export interface Attempts {
  /** How many times the request was sent. */
  attempts: number;
  /** A failure that may pass (429, 5xx, a dropped or silent connection), still there after the last attempt. */
  transient: boolean;
  /** A write that was sent but got no answer: it may or may not have taken effect. */
  outcomeUnknown: boolean;
}

/** A failed API request, described with the verb, resource and namespace that were refused. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly attempts: number;
  readonly transient: boolean;
  readonly outcomeUnknown: boolean;
  constructor(
    readonly status: number,
    /** The Status reason (Forbidden, NotFound, Conflict, Expired, ...) or a network error code. */
    readonly reason: string,
    readonly serverMessage: string,
    readonly verb: string,
    readonly resource: string,
    readonly group: string,
    readonly namespace: string | undefined,
    readonly objectName: string | undefined,
    tries: Attempts = { attempts: 1, transient: false, outcomeUnknown: false },
  ) {
    super(describe(status, reason, serverMessage, verb, resource, group, namespace, objectName) + (tries.transient && tries.attempts > 1 ? ` (gave up after ${tries.attempts} attempts)` : ''));
    this.attempts = tries.attempts;
    this.transient = tries.transient;
    this.outcomeUnknown = tries.outcomeUnknown;
  }

  /** client-node's ListWatch reads a watch failure's status from statusCode (410: list again). */
  get statusCode(): number {
    return this.status;
  }

  get forbidden(): boolean {
    return this.status === 403;
  }
  get notFound(): boolean {
    return this.status === 404;
  }
  get conflict(): boolean {
    return this.status === 409;
  }
  get expired(): boolean {
    return this.status === 410;
  }
}

const FORBIDDEN = /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/;

function describe(status: number, reason: string, message: string, verb: string, resource: string, group: string, namespace: string | undefined, name: string | undefined): string {
  const qualified = group ? `${resource}.${group}` : resource;
  if (status === 403) {
    // The server names the verb it refused, which for server-side apply may be "create" rather than "patch".
    const m = FORBIDDEN.exec(message);
    const v = m?.[1] ?? verb;
    const res = m ? (m[3] ? `${m[2] ?? ''}.${m[3]}` : (m[2] ?? '')) : qualified;
    const ns = m ? m[4] : namespace;
    return `forbidden: cannot ${v} ${res}${ns ? ` in namespace "${ns}"` : ' (cluster-wide)'}${name ? ` (${name})` : ''}; grant it (see \`kubectl tapacme rbac\`). Server said: ${message}`;
  }
  if (status === 401) return `unauthorized: the API server rejected the credentials (${message || reason}); check the kubeconfig user or token`;
  if (status === 0) return `cannot ${verb} ${qualified}${namespace ? ` in namespace "${namespace}"` : ''}: ${message}`;
  return `${verb} ${qualified}${name ? ` "${name}"` : ''}${namespace ? ` in namespace "${namespace}"` : ''}: ${status} ${reason}${message ? `: ${message}` : ''}`;
}
