import { type ImageReference, type ReleaseTransitionEvent } from '@portcullis/contracts';

/** What runs in one (repository, environment), as the last deciding transition left it. */
export interface Deployment {
  /** The release whose transition decided this record (for a rollback: the rolled-back one). */
  readonly releaseId: string;
  /** That transition's `sequence` (per release and environment). */
  readonly sequence: number;
  /** That transition's `observedAt`: orders transitions of different releases. */
  readonly observedAt: string;
  /** Images running there now, pinned by digest; empty when unknown after a rollback. */
  readonly images: readonly ImageReference[];
}

/** The transition fields the decision reads. */
export type DeployTransition = Pick<ReleaseTransitionEvent, 'releaseId' | 'sequence' | 'observedAt' | 'to' | 'images' | 'relatedReleaseId'>;

/**
 * The deployment after `event`, or `undefined` when the event changes nothing (another state,
 * or older than what is recorded).
 *
 * - `succeeded`: the release's images run there.
 * - `rolled_back`: traffic went back to `relatedReleaseId`; its images when known, otherwise none
 *   (the rolled-back digests are dropped rather than kept as if still running).
 *
 * Order-tolerant: within one release the higher `sequence` wins; across releases (sequences are
 * per release) the later `observedAt`, then the higher sequence. A redelivered event is a no-op.
 */
export function nextDeployment(current: Deployment | undefined, event: DeployTransition, imagesOf: (releaseId: string) => readonly ImageReference[] | undefined): Deployment | undefined {
  if (event.to !== 'succeeded' && event.to !== 'rolled_back') return undefined;
  if (current && !isNewer(event, current)) return undefined;
  const images = event.to === 'succeeded' ? event.images : event.relatedReleaseId ? (imagesOf(event.relatedReleaseId) ?? []) : [];
  return { releaseId: event.releaseId, sequence: event.sequence, observedAt: event.observedAt, images: distinctByDigest(images) };
}

/** The digests running anywhere: the union over every (repository, environment). */
export function deployedImages(deployments: Iterable<Deployment>): ImageReference[] {
  return distinctByDigest([...deployments].flatMap((d) => d.images));
}

function isNewer(event: DeployTransition, current: Deployment): boolean {
  if (event.releaseId === current.releaseId) return event.sequence > current.sequence;
  const byTime = Date.parse(event.observedAt) - Date.parse(current.observedAt);
  return byTime > 0 || (byTime === 0 && event.sequence > current.sequence);
}

function distinctByDigest(images: readonly ImageReference[]): ImageReference[] {
  const seen = new Map<string, ImageReference>();
  for (const image of images) if (!seen.has(image.digest)) seen.set(image.digest, image);
  return [...seen.values()];
}
