import { type ScenarioKind, type ScenarioParams, SCENARIO_REPOSITORIES } from '../scenarios/scenario.model.js';
import { scenarioNames } from '../scenarios/scenario-files.js';
import { scenarioReleases, type ScenarioRelease } from '../scenarios/scenario-outcome.js';
import { type PipelineObserver } from './pipeline-observer.js';
import { PipelineRepo, pushRelease, type PushedRelease } from './release-driver.js';
import { type Pipeline } from './start-pipeline.js';

/** One release of a scenario as it was sent. */
export interface ScenarioReleaseRun {
  readonly release: ScenarioRelease;
  readonly pushed: PushedRelease;
}

/** A scenario as it was sent: its releases in push order (the last one is the scenario's own). */
export interface ScenarioRun {
  readonly kind: ScenarioKind;
  readonly repo: PipelineRepo;
  readonly releases: readonly ScenarioReleaseRun[];
  /** Raw secret values planted in the repository (never print them). */
  readonly planted: readonly string[];
}

/** The scenario params for a pipeline: its owner, registry and namespace. */
export function pipelineScenarioParams(pipeline: Pipeline, overrides: Partial<ScenarioParams> = {}): ScenarioParams {
  return { owner: pipeline.owner, registry: pipeline.registry, namespace: pipeline.namespace, ...overrides };
}

/**
 * Sends a scenario's releases through the pipeline: a repository on the git server, each release
 * committed, pushed and announced (push webhook, registry notification, CI build). A release that
 * must settle before the next (the good release a rollback returns to) is waited for.
 */
export async function runScenario(
  pipeline: Pipeline,
  observer: PipelineObserver,
  kind: ScenarioKind,
  overrides: Partial<ScenarioParams> = {},
  onProgress: (line: string) => void = () => undefined,
): Promise<ScenarioRun> {
  const params = pipelineScenarioParams(pipeline, { name: SCENARIO_REPOSITORIES[kind], ...overrides });
  const names = scenarioNames(kind, params);
  const repo = new PipelineRepo(pipeline, names.name);
  const releases: ScenarioReleaseRun[] = [];
  for (const [index, release] of scenarioReleases(kind, params).entries()) {
    const pushed = await pushRelease(pipeline, repo, release.files.files, { message: `${kind}: release ${index + 1}`, image: release.image });
    onProgress(`${names.name}: pushed ${pushed.sha.slice(0, 8)} (${release.kind}), webhooks accepted`);
    releases.push({ release, pushed });
    if (release.settleBeforeNext !== undefined) {
      const wanted = release.settleBeforeNext;
      await observer.waitFor(
        () => (observer.transitions(pushed.releaseId, names.environment).at(-1)?.to === wanted ? true : undefined),
        120_000,
        () => `${pushed.releaseId} to reach ${wanted}: ${observer.transitions(pushed.releaseId).map((t) => t.to).join(' → ') || 'no transition'}`,
      );
      onProgress(`${names.name}: ${pushed.sha.slice(0, 8)} ${wanted}`);
    }
  }
  return { kind, repo, releases, planted: releases.flatMap((r) => r.release.files.planted) };
}
