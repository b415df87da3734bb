import { type GitProvider } from '@portcullis/contracts';
import { NotReadyError } from '@portcullis/errors';
import { type ReleaseThread } from '@portcullis/notify';
import { type ChannelAllowance, type CommitStatusSync } from '../release/notify-release.ports.js';
import { type CommitStatusLinks } from '../status/commit-status.js';
import { type CommitStatusPublisher } from '../status/commit-status.publisher.js';
import { type ProviderStatusPublisher } from '../status/provider-status.publisher.js';
import { type SentCommitStatuses, SyncCommitStatuses, type SyncCommitStatusesResult } from '../status/sync-commit-statuses.use-case.js';

/**
 * Commit statuses for every configured provider, each call first taking a token from the
 * provider's shared bucket (one per provider, all instances): a burst of releases spreads over
 * time instead of tripping GitHub's secondary rate limits. An empty bucket stops the sync as
 * not-ready, and what was posted so far is kept.
 */
export class ProviderCommitStatusSync implements CommitStatusSync {
  readonly #providers: ProviderStatusPublisher;
  readonly #sync: SyncCommitStatuses;

  constructor(providers: ProviderStatusPublisher, allowance: ChannelAllowance, links: CommitStatusLinks) {
    this.#providers = providers;
    const publisher: CommitStatusPublisher = {
      publish: async (target, status) => {
        const taken = await allowance.take(target.repository.provider);
        if (!taken.allowed) throw new NotReadyError(`the ${target.repository.provider} status allowance is spent`, taken.retryAfterMs);
        return providers.publish(target, status);
      },
    };
    this.#sync = new SyncCommitStatuses({ publisher, links });
  }

  supports(provider: GitProvider): boolean {
    return this.#providers.supports(provider);
  }

  sync(thread: ReleaseThread, lastSent: SentCommitStatuses | undefined): Promise<SyncCommitStatusesResult> {
    return this.#sync.execute({ thread, ...(lastSent ? { lastSent } : {}) });
  }
}
