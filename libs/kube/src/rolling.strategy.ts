import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { KubeCluster } from './kube-cluster.port.js';
import { ANNOTATION_RELEASE, ANNOTATION_ROLLED_BACK_FROM, fenceFor, releaseOf } from './rollout-labels.js';
import { awaitRollout, RolloutRun, requireDeployments, stamped, startProgress, terminalResult } from './rollout-run.js';
import type { AdvanceOptions, AdvanceResult, FinalizeResult, RollBackResult, RolloutPlan, RolloutProgress } from './rollout.types.js';

/**
 * Rolling update: apply everything, then let the Deployment controller replace pods while we
 * watch against the deadline. Rollback restores the pod template of the last good release's
 * ReplicaSet, like `kubectl rollout undo --to-revision`.
 */
export class RollingStrategy {
  constructor(private readonly cluster: KubeCluster) {}

  async advance(plan: RolloutPlan, prior: RolloutProgress | undefined, options: AdvanceOptions): Promise<AdvanceResult> {
    const run = new RolloutRun(plan, startProgress(plan, prior), options);
    const done = terminalResult(run.progress);
    if (done) return done;
    const names = requireDeployments(plan).map((d) => d.metadata.name);

    // Re-applying is harmless (server-side apply of the same content is a no-op), so a resumed run
    // applies again unless the cluster already shows this release on every Deployment.
    // A first run has nothing to check: no read before the first write.
    const applied =
      run.progress.appliedAt !== undefined &&
      (await Promise.all(names.map((name) => this.cluster.getDeployment(plan.namespace, name)))).every((d) => releaseOf(d) === plan.releaseId);
    if (!applied) {
      const applyStartedAt = run.progress.applyStartedAt ?? run.now();
      for (const object of stamped(plan)) await this.cluster.apply(object, fenceFor(object, plan.fence));
      await run.save({ phase: 'progressing', applyStartedAt, appliedAt: run.progress.appliedAt ?? run.now() });
    }

    const deadlineAt = (run.progress.appliedAt ?? run.now()) + plan.progressDeadlineMs;
    const status = await awaitRollout(this.cluster, run, names, deadlineAt);
    if (status.kind === 'failed') return run.fail(status.reason, status.message);
    if (status.kind === 'progressing') return run.wait(Math.min(1_000, Math.max(0, deadlineAt - run.now())));
    const at = run.now();
    await run.save({ phase: 'complete', readyAt: run.progress.readyAt ?? at, completedAt: at });
    return { progress: run.progress, outcome: { kind: 'complete' } };
  }

  async rollBack(plan: RolloutPlan, progress: RolloutProgress, reason: string, now: () => number = Date.now): Promise<RollBackResult> {
    if (progress.phase === 'rolled-back') {
      return { progress, outcome: { kind: 'rolled-back', ...(progress.restoredReleaseId ? { restoredReleaseId: progress.restoredReleaseId } : {}) } };
    }
    const target = plan.lastGoodReleaseId;
    if (!target || target === plan.releaseId) return { progress, outcome: { kind: 'nothing-to-restore' } };

    let restored = 0;
    for (const object of requireDeployments(plan)) {
      const name = object.metadata.name;
      const deployment = await this.cluster.getDeployment(plan.namespace, name);
      if (!deployment) continue;
      const replicaSet = await this.findReleaseReplicaSet(deployment, target);
      if (!replicaSet?.spec?.template) continue;
      const template = withoutHashLabel(replicaSet.spec.template);
      await this.cluster.updateDeployment(
        plan.namespace,
        name,
        (current) => {
          if (releaseOf(current) === target && current.spec?.template.metadata?.annotations?.[ANNOTATION_RELEASE] === target) return undefined;
          if (!current.spec) return undefined;
          current.spec.template = template;
          current.metadata = {
            ...current.metadata,
            annotations: { ...(current.metadata?.annotations ?? {}), [ANNOTATION_RELEASE]: target, [ANNOTATION_ROLLED_BACK_FROM]: plan.releaseId },
          };
          return current;
        },
        { fence: plan.fence },
      );
      restored++;
    }
    if (restored === 0) return { progress, outcome: { kind: 'nothing-to-restore' } };
    const at = now();
    const next: RolloutProgress = {
      ...progress,
      phase: 'rolled-back',
      failedAt: progress.failedAt ?? at,
      failureReason: progress.failureReason ?? reason,
      restoredAt: at,
      restoredReleaseId: target,
    };
    return { progress: next, outcome: { kind: 'rolled-back', restoredReleaseId: target } };
  }

  finalize(_plan: RolloutPlan, progress: RolloutProgress): Promise<FinalizeResult> {
    return Promise.resolve({ progress, outcome: { kind: 'complete' } });
  }

  /** The ReplicaSet this Deployment owns whose pods were stamped with `releaseId`. */
  private async findReleaseReplicaSet(deployment: V1Deployment, releaseId: string): Promise<V1ReplicaSet | undefined> {
    const matchLabels = deployment.spec?.selector.matchLabels ?? {};
    const selector = Object.entries(matchLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const replicaSets = await this.cluster.listReplicaSets(deployment.metadata?.namespace ?? 'default', selector);
    const owned = replicaSets.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === deployment.metadata?.uid));
    const matching = owned.filter((rs) => rs.spec?.template?.metadata?.annotations?.[ANNOTATION_RELEASE] === releaseId || releaseOf(rs) === releaseId);
    // Several can match after repeated rollbacks; the newest carries the template last known good.
    return matching.sort((a, b) => revision(b) - revision(a))[0];
  }
}

function revision(rs: V1ReplicaSet): number {
  return Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

/** The controller adds `pod-template-hash`; putting it back would make the template a new one. */
function withoutHashLabel(template: V1PodTemplateSpec): V1PodTemplateSpec {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}
