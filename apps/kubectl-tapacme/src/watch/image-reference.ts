// The image `watch --print-deployment` runs: a reference by tag or pinned by digest. The default
// is the release's tag; only the release build knows the digest (an executable cannot carry the
// digest of the image it is inside), so it writes a pinned copy of the manifests itself.
import { UsageError } from '../usage-error.js';
import { VERSION } from '../version.js';

export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/tapacme/kubectl-tapacme';

const DIGEST = /^sha256:[a-f0-9]{64}$/;
// distribution/reference's grammar: [domain[:port]/]path[:tag][@digest], path components lower case.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);

/**
 * The --image value as the Deployment's image: none gives the release tag of the default
 * repository, a bare digest (sha256:…) pins the default repository, anything else must be a
 * full reference with a tag or a digest.
 */
export function imageReference(flag: string | undefined): string {
  if (flag === undefined) return `${DEFAULT_IMAGE_REPOSITORY}:${VERSION}`;
  if (DIGEST.test(flag)) return `${DEFAULT_IMAGE_REPOSITORY}@${flag}`;
  const lastPart = flag.slice(flag.lastIndexOf('/') + 1);
  if (!REFERENCE.test(flag) || flag.length > 255 + 72) {
    throw new UsageError(`--image "${flag}" is not an image reference: give REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST (or a bare sha256:DIGEST of ${DEFAULT_IMAGE_REPOSITORY})`);
  }
  if (!lastPart.includes(':') && !lastPart.includes('@')) {
    throw new UsageError(`--image "${flag}" names no tag or digest: a Deployment would run whatever :latest is then; give ${flag}:TAG or ${flag}@sha256:DIGEST`);
  }
  return flag;
}
