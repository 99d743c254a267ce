import { parseImageRef } from './image-ref.js';
import type { ImageRef } from './image-ref.js';
import type { NoFixNeeded } from './report.js';
import type { ContainerSummary, PodSummary } from './snapshot.js';

const SHOWN = 5;

/**
 * Pods from the solver image's registry that run without any pull secret: the nodes can pull from it.
 * How strong that is depends on the pull policy: kubelet starts an IfNotPresent image (or one pinned by
 * digest) from its cache without asking the registry, so only an Always Pod proves the node authenticates.
 */
export function pullsWithoutSecrets(pods: readonly PodSummary[], solverPods: readonly PodSummary[], image: ImageRef): NoFixNeeded | null {
  const solverOk = solverPods.filter((p) => p.imagePullSecrets.length === 0 && p.containers.some((c) => c.imageID && sameRegistry(c.image, image)));
  const seen = new Set(solverOk);
  const others = pods.filter((p) => !seen.has(p) && p.imagePullSecrets.length === 0 && p.containers.some((c) => (c.imageID || c.running) && sameRegistry(c.image, image)));
  if (solverOk.length === 0 && others.length === 0) return null;
  const reason = solverOk.length > 0
    ? `solver Pods pulled their image from ${image.registry} without any pull secret`
    : `nodes pull from ${image.registry} without credentials: Pods run images from it without any pull secret`;
  // Every such Pod counts for the strength: solver Pods are IfNotPresent, a workload may pull Always.
  return withStrength({ reason, evidence: [] }, [...solverOk, ...others], image);
}

/** Always, and not pinned by digest: kubelet asks the registry before each start (a digest it has cached it does not). */
function pullsEveryTime(c: ContainerSummary): boolean {
  return c.imagePullPolicy === 'Always' && !c.image.includes('@');
}

function withStrength(base: NoFixNeeded, pods: readonly PodSummary[], image: ImageRef): NoFixNeeded {
  const from = (p: PodSummary): ContainerSummary | undefined => p.containers.find((c) => sameRegistry(c.image, image));
  // The strongest evidence first, so what is shown is what the strength rests on.
  const always = (p: PodSummary): boolean => { const c = from(p); return !!c && pullsEveryTime(c); };
  const sorted = [...pods].sort((a, b) => Number(always(b)) - Number(always(a)));
  base.evidence = sorted.slice(0, SHOWN).map((p) => {
    const c = from(p);
    return `Pod ${p.namespace}/${p.name} (${c?.image ?? ''}${c?.imagePullPolicy ? `, imagePullPolicy ${c.imagePullPolicy}` : ''})`;
  });
  const proof = sorted.find(always);
  if (proof) {
    base.strength = 'strong';
    base.strengthReason = `Pod ${proof.namespace}/${proof.name} uses imagePullPolicy Always, so its node asked ${image.registry} for the image without any pull secret and got it`;
  } else {
    base.strength = 'weak';
    base.strengthReason = `these Pods use imagePullPolicy IfNotPresent or a digest, so a node may have started an image it had cached from an earlier pull with credentials; a new node, or a new solver image version, may still get 401 (a Pod from ${image.registry} with imagePullPolicy Always that runs without pull secrets would settle it)`;
  }
  return base;
}

export function sameRegistry(image: string, ref: ImageRef): boolean {
  return parseImageRef(image)?.registry === ref.registry;
}
