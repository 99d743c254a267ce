/** The image cert-manager runs for HTTP01 solvers when --acme-http01-solver-image is not set. */
export const DEFAULT_SOLVER_IMAGE_REPOSITORY = 'quay.io/jetstack/cert-manager-acmesolver';

/** Docker Hub answers to several names; kubelet and docker treat them as one registry. */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export interface ImageRef {
  /** Registry host, with port when written, lower-cased; Docker Hub is always "docker.io". */
  registry: string;
  /** Repository path below the registry, e.g. "tap/cert-manager-acmesolver" (Docker Hub: "library/nginx"). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Lower-case a registry host and fold Docker Hub's aliases into "docker.io". */
export function normalizeRegistryHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? DOCKER_HUB : h;
}

/**
 * Parse an image reference as docker/kubelet do: the first path component is a registry only when it
 * has a dot or a colon or is "localhost"; otherwise the image is on Docker Hub.
 */
export function parseImageRef(image: string): ImageRef | undefined {
  let rest = image.trim();
  if (!rest || /\s/.test(rest)) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (!rest) return undefined;
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  let registry: string;
  let repository: string;
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = normalizeRegistryHost(first);
    repository = rest.slice(slash + 1);
  } else {
    registry = DOCKER_HUB;
    repository = rest;
  }
  if (!repository) return undefined;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  const ref: ImageRef = { registry, repository };
  if (tag) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

/** "registry/repository[:tag][@digest]" with the registry always written out. */
export function formatImageRef(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
