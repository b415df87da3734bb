import { releaseIdOf } from '@portcullis/contracts';
import { buildImage, pushImage } from '@portcullis/testing';
import { randomBytes } from 'node:crypto';
import { SOURCE_IDS } from '../harness/pipeline-config.js';
import { PipelineRepo } from '../harness/release-driver.js';
import { type Pipeline } from '../harness/start-pipeline.js';
import { IMAGE_TAG, scenarioFiles } from '../scenarios/scenario-files.js';
import { scenarioImage } from '../scenarios/scenario-image.js';
import { type BuiltDelivery } from '../webhooks/built-delivery.js';
import { buildCiBuildAnnouncement, type PinnedImage } from '../webhooks/ci-build.delivery.js';
import { deliver, type IntakeAnswer } from '../webhooks/deliver.js';
import { buildDistributionPush } from '../webhooks/distribution-push.delivery.js';
import { buildGithubPush } from '../webhooks/github-push.delivery.js';

/**
 * What a repository of the load does with each commit: `commit` — only pushes (the pipeline file
 * has a `secrets:` section only: audited, nothing to scan or deploy); `image` — pushes and builds an
 * image (audited and scanned, no `deploy:` section); `deploy` — the clean scenario: audited,
 * scanned, gated and rolled out to the run's namespace.
 */
export type ChaosLoadProfile = 'commit' | 'image' | 'deploy';
export const CHAOS_LOAD_PROFILES: readonly ChaosLoadProfile[] = ['commit', 'image', 'deploy'];

/** The environment `deploy` repositories roll out to (the clean scenario's default). */
export const CHAOS_ENVIRONMENT = 'staging';

export interface SteadyLoadOptions {
  /** New releases per second over all repositories. Default 1. */
  readonly ratePerSecond?: number;
  /** Repositories per profile. Default 3 commit-only, 2 with images, 2 deploying. */
  readonly repositories?: Partial<Record<ChaosLoadProfile, number>>;
  /** Releases being sent at once at most (a slower pipeline turns the open loop into a closed one). Default 4. */
  readonly maxInFlight?: number;
  /** How long a provider keeps re-delivering a webhook the intake did not accept (network error, 5xx, 429). Default 120 s. */
  readonly redeliverForMs?: number;
}

/** One delivery as the load saw it: accepted (202, or `duplicate` after a redelivery) or not. */
export interface ChaosLoadDelivery {
  readonly accepted: boolean;
  /** Attempts made (redeliveries + 1). */
  readonly attempts: number;
  /** The last answer's status, or `network`/`timeout`. */
  readonly last: string;
  /** `Date.now()` of the accepting answer. */
  readonly acceptedAt?: number;
}

/** One release of the load: a commit pushed, its webhooks and what the intake answered. */
export interface ChaosLoadRelease {
  readonly releaseId: string;
  readonly profile: ChaosLoadProfile;
  readonly repository: string;
  readonly sha: string;
  /** When its push webhook was first sent. */
  readonly sentAt: number;
  readonly push: ChaosLoadDelivery;
  readonly image?: PinnedImage;
  readonly registry?: ChaosLoadDelivery;
  readonly build?: ChaosLoadDelivery;
  /** Why sending stopped early (e.g. the registry push failed), if it did. */
  readonly error?: string;
}

const PIPELINE_FILE_SECRETS_ONLY = 'secrets:\n  failOn: high\n';
const PIPELINE_FILE_WITH_IMAGES = 'secrets:\n  failOn: high\nimages:\n  failOn: high\n  fixableOnly: true\n';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A steady stream of releases through the pipeline's front door, as a fleet of repositories makes
 * it: real commits pushed to the git server with GitHub's signed push webhook, and for image
 * repositories the image pushed to the registry with the registry's notification and CI's build
 * announcement. Deliveries the intake does not accept are re-delivered with the same delivery id
 * (as GitHub's redeliver and registries' retries do), so the intake's dedupe is exercised too.
 */
export class SteadyLoad {
  private readonly repos: { repo: PipelineRepo; profile: ChaosLoadProfile; busy: boolean; commits: number }[] = [];
  private readonly sent: ChaosLoadRelease[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private skipped = 0;
  private readonly rate: number;
  private readonly maxInFlight: number;
  private readonly redeliverForMs: number;
  private readonly run = randomBytes(3).toString('hex');

  constructor(
    private readonly pipeline: Pipeline,
    options: SteadyLoadOptions = {},
  ) {
    this.rate = options.ratePerSecond ?? 1;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.redeliverForMs = options.redeliverForMs ?? 120_000;
    const counts = { commit: 3, image: 2, deploy: 2, ...options.repositories };
    for (const profile of CHAOS_LOAD_PROFILES) {
      for (let i = 0; i < counts[profile]; i += 1) {
        this.repos.push({ repo: new PipelineRepo(pipeline, `load-${profile}-${i}-${this.run}`), profile, busy: false, commits: 0 });
      }
    }
  }

  /** Every release sent so far (also those still being sent). */
  releases(): readonly ChaosLoadRelease[] {
    return this.sent;
  }

  /** Ticks at which every repository was still busy (the pipeline or the git server were slower than the rate). */
  get skippedTicks(): number {
    return this.skipped;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), 1000 / this.rate);
  }

  /** Stops starting releases and waits for the ones being sent. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }

  /** Sends one release of the next idle repository now (also without `start`). */
  async sendOne(): Promise<ChaosLoadRelease | undefined> {
    const slot = this.pick();
    if (!slot) return undefined;
    return this.sendFrom(slot);
  }

  remove(): void {
    for (const { repo } of this.repos) repo.remove();
  }

  private pick() {
    for (let i = 0; i < this.repos.length; i += 1) {
      const slot = this.repos[(this.next + i) % this.repos.length]!;
      if (!slot.busy) {
        this.next = (this.next + i + 1) % this.repos.length;
        return slot;
      }
    }
    return undefined;
  }

  private tick(): void {
    const slot = this.inFlight.size < this.maxInFlight ? this.pick() : undefined;
    if (!slot) {
      this.skipped += 1;
      return;
    }
    const sending = this.sendFrom(slot).then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  private async sendFrom(slot: (typeof this.repos)[number]): Promise<ChaosLoadRelease> {
    slot.busy = true;
    try {
      slot.commits += 1;
      return await this.sendRelease(slot.repo, slot.profile, slot.commits);
    } finally {
      slot.busy = false;
    }
  }

  private async sendRelease(repo: PipelineRepo, profile: ChaosLoadProfile, n: number): Promise<ChaosLoadRelease> {
    const { owner, name } = repo.repository;
    const imageRepository = `${owner}/${name}`;
    const files: Record<string, string> =
      profile === 'deploy'
        ? { ...scenarioFiles('clean', { owner, name, registry: this.pipeline.registry, namespace: this.pipeline.namespace }).files }
        : { '.portcullis.yaml': profile === 'commit' ? PIPELINE_FILE_SECRETS_ONLY : PIPELINE_FILE_WITH_IMAGES };
    files['CHANGES.md'] = `change ${n} of ${name}\n`;
    const { before, after, commits } = repo.commitAndPush(files, `load: change ${n}`);
    const releaseId = releaseIdOf(repo.repository, after);
    const sentAt = Date.now();
    const last = commits.at(-1)!;
    const push = await this.deliverUntilAccepted(
      buildGithubPush({ sourceId: SOURCE_IDS.github, secret: this.pipeline.secrets.githubWebhook, owner, name, before, after, commits, pusher: { name: last.author.name, email: last.author.email } }),
    );
    const base = { releaseId, profile, repository: `${owner}/${name}`, sha: after, sentAt, push };
    const record = (release: ChaosLoadRelease) => (this.sent.push(release), release);
    if (profile === 'commit' || !push.accepted) return record(base);
    let image: PinnedImage;
    try {
      const digest = await pushImage(this.pipeline.registryUrl, imageRepository, IMAGE_TAG, await buildImage(scenarioImage('clean', { run: `${this.run}-${n}` })));
      image = { registry: this.pipeline.registry, repository: imageRepository, tag: IMAGE_TAG, digest };
    } catch (error) {
      return record({ ...base, error: `image push failed: ${error instanceof Error ? error.message : String(error)}` });
    }
    const registry = await this.deliverUntilAccepted(
      buildDistributionPush({ sourceId: SOURCE_IDS.registry, authorization: this.pipeline.secrets.registryAuthorization, registryHost: this.pipeline.registry, repository: imageRepository, digest: image.digest, tag: IMAGE_TAG }),
    );
    const build = await this.deliverUntilAccepted(
      buildCiBuildAnnouncement({ auth: { kind: 'hmac', secret: this.pipeline.secrets.ciBuilds }, repository: repo.repository, commit: after, image, buildId: `build-${after.slice(0, 12)}` }),
    );
    return record({ ...base, image, registry, build });
  }

  /** Delivers, re-delivering the same delivery (same id) while the answer is a network error, 5xx or 429. */
  private async deliverUntilAccepted(built: BuiltDelivery): Promise<ChaosLoadDelivery> {
    const deadline = Date.now() + this.redeliverForMs;
    for (let attempts = 1; ; attempts += 1) {
      let answer: IntakeAnswer | undefined;
      let last: string;
      try {
        answer = await deliver(this.pipeline.intakeUrl(), built, { timeoutMs: 10_000 });
        last = String(answer.status);
      } catch (error) {
        last = error instanceof Error && 'reason' in error ? String(error.reason) : 'network';
      }
      if (answer?.status === 202 || (answer !== undefined && answer.status < 300 && answer.body?.status === 'duplicate')) {
        return { accepted: true, attempts, last, acceptedAt: Date.now() };
      }
      const retryable = answer === undefined || answer.status >= 500 || answer.status === 429;
      if (!retryable || Date.now() >= deadline) return { accepted: false, attempts, last };
      await sleep(Math.min(10_000, Math.max((answer?.retryAfterSeconds ?? 0) * 1000, 500 * 2 ** Math.min(attempts - 1, 4))));
    }
  }
}
