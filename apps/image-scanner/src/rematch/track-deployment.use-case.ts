import { type ImageReference, repositoryKey, type ReleaseTransitionEvent } from '@portcullis/contracts';
import { deployedImages, type Deployment, nextDeployment } from './deployed-images.decision.js';
import { type DeploymentStore } from './redis-deployments.store.js';

/** The (repository, environment) a deployment record belongs to. */
export function targetOf(event: Pick<ReleaseTransitionEvent, 'repository' | 'environment'>): string {
  return `${repositoryKey(event.repository)}|${event.environment}`;
}

/**
 * TrackDeployment: keeps, per (repository, environment), the images a `release.transition` says run
 * there. Every transition remembers its release's images (a later rollback to it needs them);
 * `succeeded` and `rolled_back` may move the deployment (see `nextDeployment`). Idempotent.
 *
 * Events of one repository share a partition, so one consumer handles a target at a time; the
 * read-then-write needs no lock.
 */
export class TrackDeployment {
  constructor(private readonly store: DeploymentStore) {}

  async execute(event: ReleaseTransitionEvent): Promise<Deployment | undefined> {
    await this.store.rememberImages(event.releaseId, event.images);
    const target = targetOf(event);
    const current = await this.store.get(target);
    const relatedImages = event.to === 'rolled_back' && event.relatedReleaseId ? await this.store.imagesOf(event.relatedReleaseId) : undefined;
    const next = nextDeployment(current, event, (id) => (id === event.relatedReleaseId ? relatedImages : undefined));
    if (next) await this.store.put(target, next);
    return next;
  }

  /** Every digest running in some (repository, environment). */
  async deployed(): Promise<ImageReference[]> {
    const targets = await this.store.targets();
    const deployments = await Promise.all(targets.map((t) => this.store.get(t)));
    return deployedImages(deployments.filter((d): d is Deployment => d !== undefined));
  }
}
