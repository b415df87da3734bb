import { isDeepStrictEqual } from 'node:util';
import { imageDigestKey, type BlockingItem, type ImageReference, type ReleaseTransitionEvent } from '@portcullis/contracts';
import { type ImageSpec } from '@portcullis/testing';
import { IMAGE_TAG, MANIFESTS_DIR, scenarioFiles, scenarioNames, type ScenarioFiles } from './scenario-files.js';
import { MINIMIST_VULNERABLE, scenarioImage } from './scenario-image.js';
import {
  SCENARIO_REPOSITORIES,
  type ExpectedOutcome,
  type ExpectedSecretFinding,
  type ExpectedTransition,
  type ExpectedVulnerability,
  type ScenarioKind,
  type ScenarioParams,
} from './scenario.model.js';

/**
 * The reason codes the scenarios end with. They mirror `Reason` in
 * apps/deploy-orchestrator/src/release/release.model.ts, which a library cannot import (apps are
 * not libraries); the end-to-end tests are what keep the two equal.
 */
export const DeployReason = {
  GatesPassed: 'GatesPassed',
  RolloutStarted: 'RolloutStarted',
  RolloutComplete: 'RolloutComplete',
  SecretsFound: 'SecretsFound',
  VulnerabilitiesFound: 'VulnerabilitiesFound',
  AutomaticRollback: 'AutomaticRollback',
} as const;

/** The advisory of the vulnerable image (libs/vulndb/test/fixtures/osv/GHSA-xvch-5gv4-984h.json). */
export const MINIMIST_ADVISORY: ExpectedVulnerability = {
  id: 'GHSA-xvch-5gv4-984h',
  aliases: ['CVE-2021-44906'],
  package: { name: 'minimist', version: MINIMIST_VULNERABLE, ecosystem: 'npm' },
  fixedVersion: '1.2.6',
  severity: 'critical',
  suppressed: false,
};

/** The leaked token's finding (`src/github.ts`, line 2). */
export const LEAKED_TOKEN_FINDING: ExpectedSecretFinding = { ruleId: 'github-pat', kind: 'secret', severity: 'critical', path: 'src/github.ts', line: 2 };
/** The plaintext Secret's finding (`deploy/db-secret.yaml`, the `password:` line). */
export const PLAINTEXT_SECRET_FINDING: ExpectedSecretFinding = {
  ruleId: 'k8s-plain-secret',
  kind: 'manifest',
  severity: 'high',
  path: `${MANIFESTS_DIR}/db-secret.yaml`,
  line: 7,
};

/** Before any input arrives the release waits; it waits again as each of audit, build and scan lands. */
const WAITING_PREFIX: readonly ExpectedTransition[] = [
  { from: null, to: 'waiting' },
  { from: 'waiting', to: 'waiting' },
];
/** A blocking input may come first (no wait at all), and each later input re-blocks. */
const BLOCKED_PREFIX: readonly ExpectedTransition[] = [...WAITING_PREFIX, { from: null, to: 'blocked' }, { from: 'waiting', to: 'blocked' }, { from: 'blocked', to: 'blocked' }];
const ROLLOUT: readonly ExpectedTransition[] = [
  { from: 'waiting', to: 'approved', reason: DeployReason.GatesPassed },
  { from: 'approved', to: 'deploying', reason: DeployReason.RolloutStarted },
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const blockedReply = (environment: string, reason: string) => new RegExp(`${escape(environment)} blocked · \`?${reason}`);
/** A secrets gate failure: the finding's rule and place (never its value), and the blocked decision. */
const secretsReplies = (f: ExpectedSecretFinding, environment: string) => [
  /Secrets gate failed/,
  new RegExp(`${f.ruleId}\`? \`?${escape(f.path)}:${f.line}`),
  blockedReply(environment, DeployReason.SecretsFound),
];

/**
 * What a scenario's release must end with. `digest` is the manifest digest `pushImage` returned
 * for `scenarioImage(kind, …)`; it appears in the deploy events and the blocking items.
 */
export function expectedOutcome(kind: ScenarioKind, params: ScenarioParams, digest: string): ExpectedOutcome {
  const names = scenarioNames(kind, params);
  const image: ImageReference = { registry: names.registry, repository: names.imageRepository, tag: IMAGE_TAG, digest };
  const pass = { verdict: 'pass', findings: [] } as const;
  const clean = { verdict: 'pass', vulnerabilities: [] } as const;
  const deployBase = { environment: names.environment, images: [image] };
  // A blocked transition names no images: they are pinned only once every gate passed.
  const blocked = (reason: string, items: readonly BlockingItem[], counts: { secrets: number; vulnerabilities: number }) => ({
    environment: names.environment,
    images: [],
    tail: [{ to: 'blocked', reason }] as const,
    prefix: BLOCKED_PREFIX,
    blocking: { ...counts, policyViolations: 0, items },
  });
  const secretItem = (f: ExpectedSecretFinding): BlockingItem => ({ gate: 'secrets', id: f.ruleId, severity: f.severity, location: `${f.path}:${f.line}` });
  switch (kind) {
    case 'clean':
      return {
        audit: pass,
        scan: clean,
        deploy: { ...deployBase, tail: [...ROLLOUT, { from: 'deploying', to: 'succeeded', reason: DeployReason.RolloutComplete }], prefix: WAITING_PREFIX },
        cluster: 'this-release',
        replies: [],
      };
    case 'leaked-token':
      return {
        audit: { verdict: 'fail', findings: [LEAKED_TOKEN_FINDING] },
        scan: clean,
        deploy: blocked(DeployReason.SecretsFound, [secretItem(LEAKED_TOKEN_FINDING)], { secrets: 1, vulnerabilities: 0 }),
        cluster: 'absent',
        replies: secretsReplies(LEAKED_TOKEN_FINDING, names.environment),
      };
    case 'plaintext-secret':
      // The secrets gate blocks before the manifest policy (which would deny the Secret too) runs.
      return {
        audit: { verdict: 'fail', findings: [PLAINTEXT_SECRET_FINDING] },
        scan: clean,
        deploy: blocked(DeployReason.SecretsFound, [secretItem(PLAINTEXT_SECRET_FINDING)], { secrets: 1, vulnerabilities: 0 }),
        cluster: 'absent',
        replies: secretsReplies(PLAINTEXT_SECRET_FINDING, names.environment),
      };
    case 'vulnerable-image': {
      const v = MINIMIST_ADVISORY;
      const item: BlockingItem = {
        gate: 'image-scan',
        id: v.id,
        severity: v.severity,
        location: `${imageDigestKey(image)} ${v.package.name}@${v.package.version} (fixed in ${v.fixedVersion})`,
      };
      return {
        audit: pass,
        scan: { verdict: 'fail', vulnerabilities: [v] },
        deploy: blocked(DeployReason.VulnerabilitiesFound, [item], { secrets: 0, vulnerabilities: 1 }),
        cluster: 'absent',
        replies: [/Image scan failed/, new RegExp(`${v.id}\`? ${v.package.name} \`?${escape(v.package.version)}`), blockedReply(names.environment, DeployReason.VulnerabilitiesFound)],
      };
    }
    case 'failing-rollout':
      return {
        audit: pass,
        scan: clean,
        deploy: {
          ...deployBase,
          tail: [...ROLLOUT, { from: 'deploying', to: 'rolled_back', reason: DeployReason.AutomaticRollback }],
          prefix: WAITING_PREFIX,
          rolledBackToPrevious: true,
          message: /ProgressDeadlineExceeded|deadline/i,
        },
        cluster: 'previous-release',
        replies: [new RegExp(`${escape(names.environment)} rolled back to github/${escape(names.owner)}/${escape(names.name)}@[0-9a-f]{7}`)],
      };
  }
}

/** One release to push, in order. */
export interface ScenarioRelease {
  /** Which builder made it: `failing-rollout` is preceded by a `clean` release of the same repository. */
  readonly kind: ScenarioKind;
  /** The params to pass on to `expectedOutcome(kind, params, digest)`, with `name` fixed to the scenario's repository. */
  readonly params: ScenarioParams;
  readonly files: ScenarioFiles;
  readonly image: ImageSpec;
  /**
   * Wait for this state of the release in the environment before pushing the next release of the
   * list (the app/env lock would otherwise make the next one wait, or supersede this one).
   */
  readonly settleBeforeNext?: 'succeeded';
}

/**
 * The releases a scenario needs, in push order, all in one repository (`params.name`, default
 * `SCENARIO_REPOSITORIES[kind]`). Every kind is one release except `failing-rollout`: a rollback
 * needs an earlier good release of the same app, so it is a clean release (deploy, wait for
 * `succeeded`), then the failing one, committed on top in the same work tree.
 */
export function scenarioReleases(kind: ScenarioKind, params: ScenarioParams): ScenarioRelease[] {
  const fixed: ScenarioParams = { ...params, name: params.name ?? SCENARIO_REPOSITORIES[kind] };
  const release = (k: ScenarioKind): ScenarioRelease => ({ kind: k, params: fixed, files: scenarioFiles(k, fixed), image: scenarioImage(k, fixed) });
  if (kind !== 'failing-rollout') return [release(kind)];
  return [{ ...release('clean'), settleBeforeNext: 'succeeded' }, release('failing-rollout')];
}

/** The fields of a `release.transition` the check reads. */
export type ObservedTransition = Pick<ReleaseTransitionEvent, 'sequence' | 'from' | 'to' | 'reason' | 'message' | 'relatedReleaseId'> & {
  readonly images: readonly ImageReference[];
  readonly blocking?: ExpectedOutcome['deploy']['blocking'];
};

/**
 * Compares the `deploy.events` transitions of one release in the expected environment with the
 * expectation; returns every difference (empty: as expected). `previousReleaseId` is the earlier
 * good release a rollback must name. Values compared are ids, states and reasons, never secrets.
 */
export function checkDeployPath(observed: readonly ObservedTransition[], expected: ExpectedOutcome['deploy'], previousReleaseId?: string): string[] {
  const problems: string[] = [];
  const seen = [...observed].sort((a, b) => a.sequence - b.sequence);
  const show = (t: Pick<ObservedTransition, 'from' | 'to' | 'reason'>) => `${t.from ?? '∅'}→${t.to} (${t.reason})`;
  const matches = (t: ObservedTransition, e: ExpectedTransition) =>
    (e.from === undefined || e.from === t.from) && e.to === t.to && (e.reason === undefined || e.reason === t.reason);
  if (seen.length < expected.tail.length) {
    return [`expected at least ${expected.tail.length} transitions, saw ${seen.length}: ${seen.map(show).join(', ') || 'none'}`];
  }
  seen.forEach((t, i) => {
    const before = i === 0 ? null : seen[i - 1]!.to;
    if (t.from !== before) problems.push(`transition ${i + 1} ${show(t)} does not start where the previous one ended (${before ?? '∅'})`);
  });
  const split = seen.length - expected.tail.length;
  expected.tail.forEach((e, i) => {
    const t = seen[split + i]!;
    if (!matches(t, e)) problems.push(`transition ${split + i + 1}: expected ${e.from === undefined ? '*' : (e.from ?? '∅')}→${e.to}${e.reason ? ` (${e.reason})` : ''}, saw ${show(t)}`);
  });
  seen.slice(0, split).forEach((t, i) => {
    if (!expected.prefix.some((e) => matches(t, e))) problems.push(`transition ${i + 1} ${show(t)} is not allowed before the final ones`);
  });
  const last = seen.at(-1)!;
  if (!isDeepStrictEqual(last.images, expected.images)) {
    problems.push(`images: expected ${expected.images.map(imageDigestKey).join(', ')}, saw ${last.images.map(imageDigestKey).join(', ') || 'none'}`);
  }
  if (expected.blocking && !isDeepStrictEqual(last.blocking, expected.blocking)) {
    problems.push(`blocking: expected ${JSON.stringify(expected.blocking)}, saw ${JSON.stringify(last.blocking ?? null)}`);
  }
  if (expected.rolledBackToPrevious && last.relatedReleaseId !== previousReleaseId) {
    problems.push(`rolled back to ${last.relatedReleaseId ?? 'nothing'}, expected ${previousReleaseId ?? '(previous release id not given)'}`);
  }
  if (expected.message && !expected.message.test(last.message)) problems.push(`message ${JSON.stringify(last.message)} does not match ${String(expected.message)}`);
  return problems;
}
