import { type ImageReference } from '@portcullis/contracts';
import { NotReadyError } from '@portcullis/errors';
import { RedisFencingLock, RedisRecordStore, type StateClient, StateError } from '@portcullis/state';
import { type Deployment } from './deployed-images.decision.js';

const INDEX_KEY = 'all';
const INDEX_LOCK = 'deployed-index';

/** Where deployments and release images live (Redis in the service). */
export interface DeploymentStore {
  get(target: string): Promise<Deployment | undefined>;
  put(target: string, deployment: Deployment): Promise<void>;
  /** Every (repository, environment) target ever recorded. */
  targets(): Promise<readonly string[]>;
  imagesOf(releaseId: string): Promise<readonly ImageReference[] | undefined>;
  rememberImages(releaseId: string, images: readonly ImageReference[]): Promise<void>;
}

/**
 * `deployed:<repository>|<environment>` → Deployment, `release-images:<releaseId>` → images, and
 * `deployed-index:all` listing the targets (RedisRecordStore cannot enumerate keys). The index is
 * read-modify-written under a short fencing lock, since instances consume different partitions;
 * it only grows, and only when a target appears for the first time.
 */
export class RedisDeploymentStore implements DeploymentStore {
  private readonly deployments: RedisRecordStore<Deployment>;
  private readonly releases: RedisRecordStore<ImageReference[]>;
  private readonly index: RedisRecordStore<string[]>;
  private readonly lock: RedisFencingLock;

  constructor(
    client: StateClient,
    private readonly options: { readonly ttlMs: number; readonly ownerId: string },
  ) {
    this.deployments = new RedisRecordStore<Deployment>(client, { namespace: 'deployed' });
    this.releases = new RedisRecordStore<ImageReference[]>(client, { namespace: 'release-images' });
    this.index = new RedisRecordStore<string[]>(client, { namespace: 'deployed-index', maxBytes: 1024 * 1024 });
    this.lock = new RedisFencingLock(client, { namespace: 'rematch-lock', ownerId: options.ownerId });
  }

  get(target: string): Promise<Deployment | undefined> {
    return this.deployments.get(target);
  }

  async put(target: string, deployment: Deployment): Promise<void> {
    await this.deployments.put(target, deployment, this.options.ttlMs);
    const known = await this.index.get(INDEX_KEY);
    if (known?.includes(target)) return;
    try {
      await this.lock.withLock(INDEX_LOCK, 5_000, async () => {
        const current = (await this.index.get(INDEX_KEY)) ?? [];
        if (!current.includes(target)) await this.index.put(INDEX_KEY, [...current, target].sort(), this.options.ttlMs);
      });
    } catch (error) {
      // Another instance is adding its target: the consumer re-schedules this event (put is idempotent).
      if (error instanceof StateError && error.code === 'LOCK_BUSY') throw new NotReadyError('deployed index is being updated by another instance', 200);
      throw error;
    }
  }

  async targets(): Promise<readonly string[]> {
    return (await this.index.get(INDEX_KEY)) ?? [];
  }

  imagesOf(releaseId: string): Promise<readonly ImageReference[] | undefined> {
    return this.releases.get(releaseId);
  }

  async rememberImages(releaseId: string, images: readonly ImageReference[]): Promise<void> {
    if (images.length > 0) await this.releases.put(releaseId, [...images], this.options.ttlMs);
  }
}
