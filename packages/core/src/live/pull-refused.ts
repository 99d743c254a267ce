import { coveringKey } from './docker-config.js';
import type { ImageRef } from './image-ref.js';
import type { PullSecretCheck } from './report.js';
import type { EventSummary, PodSummary } from './snapshot.js';
import type { SnapshotIndex } from './snapshot-index.js';

/** How registries and runtimes word a refused login (containerd, CRI-O, docker): a status, or the words for it. */
const UNAUTHORIZED = /\b401\b|unauthori[sz]ed/i;
const FORBIDDEN = /\b403\b|forbidden|denied/i;

export interface RefusedSecrets {
  /** The Pod's pull secrets that hold credentials for the registry: the ones the registry refused. */
  secrets: string[];
  status: '401 Unauthorized' | '403 Forbidden';
}

/** Messages of the Warning events about each Pod, by "namespace/name". */
export function podEventMessages(events: readonly EventSummary[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    if (e.involvedKind !== 'Pod' || e.type !== 'Warning') continue;
    const k = `${e.namespace}/${e.involvedName}`;
    const list = out.get(k);
    if (list) list.push(e.message);
    else out.set(k, [e.message]);
  }
  return out;
}

/**
 * A solver Pod that carried pull secrets with credentials for the registry, and whose pull the registry
 * still refused: those credentials are wrong (401) or may not pull the image (403). A Pod without such
 * secrets pulled anonymously, and its 401 says nothing about any secret.
 */
export function refusedPullSecrets(pod: PodSummary, messages: readonly string[], index: SnapshotIndex, image: ImageRef): RefusedSecrets | undefined {
  const text = messages.join('\n');
  const status = UNAUTHORIZED.test(text) ? '401 Unauthorized' : FORBIDDEN.test(text) ? '403 Forbidden' : undefined;
  if (!status) return undefined;
  const secrets = pod.imagePullSecrets.filter((name) => {
    const s = index.secret(pod.namespace, name);
    return !!s && coveringKey(s.registries ?? [], image) !== undefined;
  });
  return secrets.length > 0 ? { secrets, status } : undefined;
}

export function refusedMessage(ns: string, pod: string, secret: string, refused: RefusedSecrets, image: ImageRef): string {
  const why = refused.status === '401 Unauthorized'
    ? 'its credentials for that registry are wrong or expired'
    : `the registry knows its user but does not let it pull ${image.repository}`;
  return `namespace "${ns}": the registry refused pull secret "${secret}" (${refused.status}) when solver Pod ${pod} pulled from ${image.registry}: ${why}; put working credentials in it (--verify-pull-secrets asks the registry)`;
}

export function refusedCheck(pod: string, secret: string, refused: RefusedSecrets): PullSecretCheck {
  return { secret, verdict: refused.status === '401 Unauthorized' ? 'rejected' : 'forbidden', source: 'events', detail: `solver Pod ${pod}: ${refused.status}` };
}
