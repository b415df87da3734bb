import { type BlockingSummary, type GateName, imageDigestKey, type ImageReference, type ReleaseState, type ReleaseTransitionEvent, type RepositoryRef } from '@portcullis/contracts';
import { NotReadyError, PortcullisError } from '@portcullis/errors';
import { type DeploySection, type EnvironmentSection } from './deploy-config.schema.js';
import { deploysFrom, evaluateGates } from './release-gates.js';
import { emptyRelease, type EnvironmentRecord, Reason, type ReleaseRecord, SETTLED, SUPERSEDABLE } from './release.model.js';
import {
  type AppEnvironmentIndex,
  type Clock,
  type KubeObject,
  type ManifestGate,
  type PipelineFiles,
  type ReleaseStore,
  type RolloutRequest,
  type Rollouts,
  type TransitionBus,
} from './reconcile.ports.js';

/** The lock primitive (RedisFencingLock): one holder per name, a strictly increasing token per grant. */
export interface Locks {
  withLock<T>(name: string, ttlMs: number, fn: (lease: { token: number }, signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface ReconcileReleaseOptions {
  /** How long one reconcile step may watch a rollout before it requeues itself. */
  readonly stepBudgetMs: number;
  /** TTL of the release and deploy locks (extended while held). */
  readonly lockTtlMs: number;
  /** Requeue delay while another release of the app deploys. */
  readonly busyRetryMs: number;
}

export interface ReconcileReleaseDeps {
  readonly releases: ReleaseStore;
  readonly index: AppEnvironmentIndex;
  readonly files: PipelineFiles;
  readonly manifests: ManifestGate;
  readonly rollouts: Rollouts;
  readonly bus: TransitionBus;
  readonly locks: Locks;
  readonly clock: Clock;
  readonly options: ReconcileReleaseOptions;
}

/** A change to a release's inputs (an event or an operator decision), applied under its lock. */
export type ReleaseInput = (release: ReleaseRecord) => ReleaseRecord;

interface Step {
  env: EnvironmentRecord | undefined;
  retryAfterMs?: number;
}

/**
 * ReconcileRelease (CONVENTIONS §6): apply an input to a release, then for every environment its
 * `.portcullis.yaml` declares, load desired state, observe, decide and act — gates, supersede,
 * the deploy lock, the strategy, automatic rollback — publishing each transition on
 * `deploy.events` and persisting the record whatever happens. Three outcomes: done; wait and
 * requeue (a `NotReadyError` carrying the delay, e.g. a rollout still progressing); or an error
 * whose disposition says retry or give up.
 */
export class ReconcileRelease {
  readonly #d: ReconcileReleaseDeps;
  /** Rendered manifests per release and environment: a commit's manifests never change, rendering is not free. */
  readonly #rendered = new Map<string, readonly KubeObject[]>();

  constructor(deps: ReconcileReleaseDeps) {
    this.#d = deps;
  }

  async execute(target: { releaseId: string; repository: RepositoryRef; sha: string }, input: ReleaseInput): Promise<void> {
    const { locks, options } = this.#d;
    await locks.withLock(`release:${target.releaseId}`, options.lockTtlMs, async (_lease, signal) => {
      const now = this.#now();
      const stored = (await this.#d.releases.get(target.releaseId)) ?? emptyRelease(target.releaseId, target.repository, target.sha, now);
      let release = input(stored);
      const config = await this.#d.files.deployConfig(target.repository, target.sha);
      if (config.kind !== 'valid') {
        await this.#d.releases.put({ ...release, updatedAt: now });
        if (config.kind === 'invalid') {
          throw new PortcullisError({
            code: 'DEPLOY_CONFIG_INVALID',
            disposition: 'permanent',
            message: `${target.releaseId}: .portcullis.yaml deploy section is invalid: ${config.problems.join('; ')}`,
          });
        }
        return;
      }
      let retryAfterMs: number | undefined;
      let failure: unknown;
      const replaced: { releaseId: string; env: EnvironmentSection; by: string }[] = [];
      for (const env of config.deploy.environments) {
        let published: EnvironmentRecord | undefined;
        try {
          const step = await this.#reconcileEnvironment(release, config.deploy, env, signal, {
            replaced: (releaseId) => replaced.push({ releaseId, env, by: target.releaseId }),
            published: (record) => (published = record),
          });
          if (step.env) release = { ...release, environments: { ...release.environments, [env.name]: step.env } };
          if (step.retryAfterMs !== undefined) retryAfterMs = Math.min(retryAfterMs ?? Infinity, step.retryAfterMs);
        } catch (error) {
          failure ??= error;
          // What is already on deploy.events is kept even though the step failed (e.g. the cluster
          // was unreachable right after `deploying`): the retry resumes from it, a newer release
          // does not supersede a release that may have applied something, and no sequence number
          // is published twice.
          if (published) release = { ...release, environments: { ...release.environments, [env.name]: published } };
        }
      }
      // Status is persisted whatever happened above, so the next attempt resumes from it.
      await this.#d.releases.put({ ...release, updatedAt: this.#now() });
      for (const older of replaced) failure ??= await this.#supersede(older, config.deploy).catch((error: unknown) => error);
      if (failure) throw failure;
      if (retryAfterMs !== undefined) throw new NotReadyError(`${target.releaseId} is still deploying`, retryAfterMs);
    });
  }

  /** Marks the release a newer one replaced as superseded in that environment, if nothing of it was applied yet. */
  async #supersede(older: { releaseId: string; env: EnvironmentSection; by: string }, deploy: DeploySection): Promise<undefined> {
    await this.#d.locks.withLock(`release:${older.releaseId}`, this.#d.options.lockTtlMs, async () => {
      const release = await this.#d.releases.get(older.releaseId);
      const current = release?.environments[older.env.name];
      if (!release || !current || !SUPERSEDABLE.has(current.state)) return;
      const app = deploy.app ?? release.repository.name;
      const ctx: TransitionContext = { release, env: older.env, scope: `${app}/${older.env.name}`, app, images: [] };
      const env = await this.#transition(ctx, current, 'superseded', Reason.Superseded, `a newer release of ${app} (${older.by}) replaces this one in ${older.env.name}`, { relatedReleaseId: older.by });
      await this.#d.releases.put({ ...release, environments: { ...release.environments, [older.env.name]: env }, updatedAt: this.#now() });
      // A release that marked itself active and stopped before its record said so must not hold the app for good.
      if ((await this.#d.index.active(ctx.scope)) === older.releaseId) await this.#d.index.setActive(ctx.scope, undefined);
    });
    return undefined;
  }

  async #reconcileEnvironment(
    release: ReleaseRecord,
    deploy: DeploySection,
    env: EnvironmentSection,
    signal: AbortSignal,
    observe: { replaced: (releaseId: string) => void; published: (record: EnvironmentRecord) => void },
  ): Promise<Step> {
    const { replaced } = observe;
    const current = release.environments[env.name];
    if (release.audit && !deploysFrom(env, release.audit.ref)) return { env: current };
    const app = deploy.app ?? release.repository.name;
    const scope = `${app}/${env.name}`;
    const ctx: TransitionContext = { release, env, scope, app, images: [], published: observe.published };

    if (current?.state === 'succeeded') return this.#afterSuccess(ctx, deploy, current);
    if (current && SETTLED.has(current.state)) return { env: current };
    if (current?.state === 'deploying') return this.#deploy(ctx, deploy, current, signal);

    const { order, newest, previous } = await this.#d.index.register(scope, release.releaseId);
    if (previous && previous !== release.releaseId && newest === release.releaseId) replaced(previous);
    let env0: EnvironmentRecord = current ?? { state: 'waiting', sequence: 0, reason: '', message: '', order };
    if (env0.order === undefined) env0 = { ...env0, order };
    if (newest !== release.releaseId && (!current || SUPERSEDABLE.has(current.state))) {
      return { env: await this.#transition(ctx, env0, 'superseded', Reason.Superseded, `a newer release of ${app} (${newest}) replaces this one in ${env.name}`, { relatedReleaseId: newest }) };
    }

    const gates = evaluateGates(release, deploy, env, env0.approvedBy);
    if (gates.kind === 'waiting') {
      return { env: await this.#transition(ctx, env0, 'waiting', gates.reason, gates.message, { waitingFor: gates.waitingFor }) };
    }
    if (gates.kind === 'blocked') {
      return { env: await this.#transition(ctx, env0, 'blocked', gates.reason, gates.message, { blocking: gates.blocking }) };
    }
    ctx.images = gates.images;

    const quarantinedBy = await this.#d.index.quarantinedBy(scope, order, gates.images.map((i) => i.digest));
    if (quarantinedBy) {
      const blocking: BlockingSummary = {
        secrets: 0,
        vulnerabilities: 0,
        policyViolations: 0,
        items: gates.images.map((i) => ({ gate: 'image-scan' as const, id: 'quarantined', location: imageDigestKey(i) })).slice(0, 20),
      };
      return {
        env: await this.#transition(ctx, env0, 'blocked', Reason.Quarantined, `an image of this release failed its rollout in ${env.name} (${quarantinedBy}) and is quarantined until a newer commit`, { blocking }),
      };
    }

    const prepared = await this.#prepare(release, deploy, env, gates.images);
    if (prepared.kind !== 'ready') {
      return { env: await this.#transition(ctx, env0, 'blocked', prepared.reason, prepared.message, { blocking: prepared.blocking }) };
    }

    const approvedReason = env.approval ? Reason.Approved : Reason.GatesPassed;
    const approvedMessage = env.approval ? `approved by ${env0.approvedBy ?? 'an operator'} for ${env.name}` : `every gate passed for ${env.name}`;
    env0 = await this.#transition(ctx, env0, 'approved', approvedReason, approvedMessage);
    const active = await this.#d.index.active(scope);
    if (active && active !== release.releaseId) {
      return { env: env0, retryAfterMs: this.#d.options.busyRetryMs };
    }
    return this.#deploy(ctx, deploy, env0, signal);
  }

  async #deploy(ctx: TransitionContext, deploy: DeploySection, current: EnvironmentRecord, signal: AbortSignal): Promise<Step> {
    const { locks, index, rollouts, options } = this.#d;
    const { release, env, scope } = ctx;
    if (ctx.images.length === 0) ctx.images = release.builds.filter((b) => deploy.images.includes(`${b.registry}/${b.repository}`));
    const prepared = await this.#prepare(release, deploy, env, ctx.images);
    if (prepared.kind !== 'ready') {
      await index.setActive(scope, undefined);
      return { env: await this.#transition(ctx, current, 'failed', prepared.reason, prepared.message) };
    }
    return locks.withLock(`deploy:${scope}`, options.lockTtlMs, async (lease, lockSignal) => {
      const both = AbortSignal.any([signal, lockSignal]);
      let env0 = current;
      if (env0.state !== 'deploying') {
        // Checked again under the lock: between the check outside it and now, a newer release may
        // have registered, or deployed and settled (an instance paused here would otherwise roll
        // an older commit out over it).
        const [active, newest] = await Promise.all([index.active(scope), index.newest(scope)]);
        if (active && active !== release.releaseId) return { env: env0, retryAfterMs: options.busyRetryMs };
        if (newest && newest !== release.releaseId) {
          return { env: await this.#transition(ctx, env0, 'superseded', Reason.Superseded, `a newer release of ${ctx.app} (${newest}) replaces this one in ${env.name}`, { relatedReleaseId: newest }) };
        }
        await index.setActive(scope, release.releaseId);
        const lastGood = await index.lastGood(scope);
        env0 = await this.#transition(ctx, { ...env0, fence: lease.token, ...(lastGood ? { lastGoodReleaseId: lastGood } : {}) }, 'deploying', Reason.RolloutStarted, `${env.strategy} rollout of ${ctx.app} to ${env.namespace} started`);
      }
      const request = this.#request(ctx, prepared.objects, lease.token, env0);
      if (env0.rollbackRequested) return this.#rollBack(ctx, request, env0, Reason.ManualRollback, `rolled back by ${env0.rollbackRequested.by}: ${env0.rollbackRequested.reason}`);
      let step;
      try {
        step = await rollouts.advance(request, env0.progress, { budgetMs: options.stepBudgetMs, signal: both, promote: env0.promoteRequestedBy !== undefined });
      } catch (error) {
        return this.#clusterFailure(ctx, env0, error);
      }
      if (step.kind === 'wait') return { env: { ...env0, progress: step.progress }, retryAfterMs: step.retryAfterMs };
      if (step.kind === 'complete') {
        await index.setLastGood(scope, release.releaseId);
        await index.setActive(scope, undefined);
        const done = await this.#transition(ctx, { ...env0, progress: step.progress, ...(step.finalizeAt ? { finalizeAt: step.finalizeAt } : {}) }, 'succeeded', Reason.RolloutComplete, `${ctx.app} ${release.sha.slice(0, 12)} is live in ${env.name}`);
        return step.finalizeAt ? { env: done, retryAfterMs: Math.max(0, Date.parse(step.finalizeAt) - this.#d.clock.now().getTime()) } : { env: done };
      }
      return this.#rollBack(ctx, request, { ...env0, progress: step.progress }, Reason.AutomaticRollback, `${step.message} (${step.reason}); rolling back automatically`);
    });
  }

  async #rollBack(ctx: TransitionContext, request: RolloutRequest, current: EnvironmentRecord, reason: Reason, message: string): Promise<Step> {
    const { index, rollouts } = this.#d;
    let outcome;
    try {
      outcome = await rollouts.rollBack(request, current.progress, message);
    } catch (error) {
      return this.#clusterFailure(ctx, current, error);
    }
    await index.quarantine(ctx.scope, { releaseId: ctx.release.releaseId, order: current.order ?? 0, digests: ctx.images.map((i) => i.digest) });
    await index.setActive(ctx.scope, undefined);
    if (outcome.kind === 'nothing-to-restore') {
      return { env: await this.#transition(ctx, { ...current, progress: outcome.progress }, 'failed', Reason.NothingToRestore, `${message}; there is no earlier good release to restore`) };
    }
    if (outcome.restoredReleaseId) await index.setLastGood(ctx.scope, outcome.restoredReleaseId);
    return {
      env: await this.#transition(ctx, { ...current, progress: outcome.progress }, 'rolled_back', reason, message, outcome.restoredReleaseId ? { relatedReleaseId: outcome.restoredReleaseId } : {}),
    };
  }

  async #afterSuccess(ctx: TransitionContext, deploy: DeploySection, current: EnvironmentRecord): Promise<Step> {
    const { release, env, scope } = ctx;
    if (!current.rollbackRequested && (current.finalized || !current.finalizeAt)) return { env: current };
    ctx.images = release.builds.filter((b) => deploy.images.includes(`${b.registry}/${b.repository}`));
    const prepared = await this.#prepare(release, deploy, env, ctx.images);
    if (prepared.kind !== 'ready') return { env: current };
    return this.#d.locks.withLock(`deploy:${scope}`, this.#d.options.lockTtlMs, async (lease) => {
      const request = this.#request(ctx, prepared.objects, lease.token, current);
      if (current.rollbackRequested) {
        return this.#rollBack(ctx, request, current, Reason.ManualRollback, `rolled back by ${current.rollbackRequested.by}: ${current.rollbackRequested.reason}`);
      }
      const wait = Date.parse(current.finalizeAt!) - this.#d.clock.now().getTime();
      if (wait > 0) return { env: current, retryAfterMs: wait };
      const progress = await this.#d.rollouts.finalize(request, current.progress);
      return { env: { ...current, progress, finalized: true } };
    });
  }

  /** Permanent cluster errors (forbidden, invalid object) end the release as failed; transient ones go back to the caller. */
  async #clusterFailure(ctx: TransitionContext, current: EnvironmentRecord, error: unknown): Promise<Step> {
    if (!(error instanceof PortcullisError) || error.disposition !== 'permanent') throw error;
    await this.#d.index.setActive(ctx.scope, undefined);
    const reason = error.code === 'KUBE_FORBIDDEN' ? Reason.Forbidden : Reason.ClusterRejected;
    return { env: await this.#transition(ctx, current, 'failed', reason, error.message.slice(0, 900)) };
  }

  #request(ctx: TransitionContext, objects: readonly KubeObject[], fence: number, env: EnvironmentRecord): RolloutRequest {
    return { app: ctx.app, cluster: ctx.env.cluster, releaseId: ctx.release.releaseId, env: ctx.env, objects, fence, lastGoodReleaseId: env.lastGoodReleaseId };
  }

  async #prepare(
    release: ReleaseRecord,
    deploy: DeploySection,
    env: EnvironmentSection,
    images: readonly ImageReference[],
  ): Promise<{ kind: 'ready'; objects: readonly KubeObject[] } | { kind: 'blocked'; reason: Reason; message: string; blocking: BlockingSummary }> {
    const key = `${release.releaseId} ${env.name}`;
    const cached = this.#rendered.get(key);
    if (cached) return { kind: 'ready', objects: cached };
    const outcome = await this.#d.manifests.prepare({ repository: release.repository, sha: release.sha, deploy, env, images });
    if (outcome.kind === 'ready') {
      if (this.#rendered.size >= 256) this.#rendered.delete(this.#rendered.keys().next().value!);
      this.#rendered.set(key, outcome.objects);
      return outcome;
    }
    if (outcome.kind === 'invalid') {
      return {
        kind: 'blocked',
        reason: Reason.ManifestsInvalid,
        message: `the manifests at ${deploy.manifests.path} cannot be rendered: ${outcome.problems.slice(0, 5).join('; ')}`,
        blocking: { secrets: 0, vulnerabilities: 0, policyViolations: 0, items: [{ gate: 'manifest-policy', id: 'manifests-invalid', location: deploy.manifests.path }] },
      };
    }
    const violations = outcome.violations;
    return {
      kind: 'blocked',
      reason: Reason.PolicyViolations,
      message: `${violations.length} manifest policy violation(s): ${violations.slice(0, 3).map((v) => `${v.object} ${v.field} (${v.rule})`).join('; ')}`,
      blocking: {
        secrets: 0,
        vulnerabilities: 0,
        policyViolations: violations.length,
        items: violations.slice(0, 20).map((v) => ({ gate: 'manifest-policy' as const, id: v.rule, location: `${v.object} ${v.field}`.slice(0, 300) })),
      },
    };
  }

  /** Publishes a transition when the state or its explanation changed; an unchanged observation publishes nothing. */
  async #transition(
    ctx: TransitionContext,
    current: EnvironmentRecord,
    to: ReleaseState,
    reason: Reason,
    message: string,
    extra: { waitingFor?: readonly GateName[]; blocking?: BlockingSummary; relatedReleaseId?: string } = {},
  ): Promise<EnvironmentRecord> {
    const blockingKey = extra.blocking ? JSON.stringify(extra.blocking) : undefined;
    const from = current.sequence === 0 ? null : current.state;
    if (from === to && current.reason === reason && current.message === message && current.blockingKey === blockingKey) return current;
    const sequence = current.sequence + 1;
    const event: ReleaseTransitionEvent = {
      kind: 'release.transition',
      releaseId: ctx.release.releaseId,
      repository: ctx.release.repository,
      environment: ctx.env.name,
      sequence,
      from,
      to,
      reason,
      message: message.slice(0, 1000),
      ...(extra.waitingFor ? { waitingFor: [...extra.waitingFor] } : {}),
      ...(extra.blocking ? { blocking: extra.blocking } : {}),
      strategy: ctx.env.strategy,
      images: ctx.images.slice(0, 20),
      ...(extra.relatedReleaseId ? { relatedReleaseId: extra.relatedReleaseId } : {}),
      observedAt: this.#now(),
    };
    await this.#d.bus.publish(event);
    const { blockingKey: _b, waitingFor: _w, ...rest } = current;
    const record: EnvironmentRecord = {
      ...rest,
      state: to,
      sequence,
      reason,
      message: event.message,
      ...(blockingKey ? { blockingKey } : {}),
      ...(extra.waitingFor ? { waitingFor: [...extra.waitingFor] } : {}),
    };
    ctx.published?.(record);
    return record;
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }
}

interface TransitionContext {
  readonly release: ReleaseRecord;
  readonly env: EnvironmentSection;
  readonly scope: string;
  readonly app: string;
  images: readonly ImageReference[];
  /** Told each record right after its transition was published, so a failing step still saves it. */
  readonly published?: (record: EnvironmentRecord) => void;
}
