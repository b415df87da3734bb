import { AppsV1Api } from '@kubernetes/client-node';
import { type AuditCompletedEvent, type ReleaseTransitionEvent, type ScanCompletedEvent } from '@portcullis/contracts';
import { foldEvents, renderRoot } from '@portcullis/notify';
import { kubeStatusOf } from '@portcullis/testing/kube';
import { type FakeSlackMessage } from '@portcullis/testing/saas';
import { isDeepStrictEqual } from 'node:util';
import { scenarioNames } from '../scenarios/scenario-files.js';
import { checkDeployPath, expectedOutcome } from '../scenarios/scenario-outcome.js';
import { type ExpectedOutcome } from '../scenarios/scenario.model.js';
import { type PipelineObserver } from './pipeline-observer.js';
import { type ScenarioReleaseRun, type ScenarioRun } from './run-scenario.js';
import { type Pipeline } from './start-pipeline.js';

/** What one release ended with, seen from every side, and how that differs from its scenario's expectation. */
export interface ReleaseReport {
  readonly releaseId: string;
  /** `owner/name@short sha`. */
  readonly title: string;
  readonly kind: string;
  /** The last transition: state and reason (e.g. `blocked (SecretsFound)`), or `none`. */
  readonly outcome: string;
  readonly transitions: readonly string[];
  readonly audit: string;
  readonly scan: string;
  /** The app's Deployment afterwards: `<image>, release <id>`, or `absent`. */
  readonly cluster: string;
  /** Roots posted for this release (must be exactly one), and the last one's text. */
  readonly slack: { readonly roots: number; readonly text?: string; readonly replies: readonly string[] };
  /** Commit status per context: `state: description`. */
  readonly statuses: Readonly<Record<string, string>>;
  /** Every difference from the expectation; empty when the release ended as its scenario says. */
  readonly problems: readonly string[];
}

const show = (t: ReleaseTransitionEvent) => `${t.from ?? '∅'}→${t.to} (${t.reason})`;
const STATUS_CONTEXTS = ['portcullis/secrets', 'portcullis/image-scan'] as const;

function expectedStatuses(expected: ExpectedOutcome): Record<string, { state: string; description: RegExp }> {
  const deploy: Record<string, { state: string; description: RegExp }> = {
    'this-release': { state: 'success', description: /^Deployed to / },
    'previous-release': { state: 'failure', description: /^Rolled back: / },
    absent: { state: 'failure', description: /^Blocked: / },
  };
  return {
    'portcullis/secrets': expected.audit.verdict === 'pass' ? { state: 'success', description: /^No secrets found$/ } : { state: 'failure', description: /^Secrets found: / },
    'portcullis/image-scan':
      expected.scan.verdict === 'pass' ? { state: 'success', description: /^1 image passes the vulnerability policy$/ } : { state: 'failure', description: /^1 of 1 image fail: / },
    [`portcullis/deploy-${expected.deploy.environment}`]: deploy[expected.cluster]!,
  };
}

/** Every expected pattern in some reply, and no reply that none of them explains. */
function replyProblems(replies: readonly FakeSlackMessage[], expected: readonly RegExp[]): string[] {
  // Matched as a reader sees them: without mrkdwn bold markers (`*staging* blocked`).
  const texts = replies.map((r) => `${r.text ?? ''}\n${JSON.stringify(r.blocks ?? [])}`.replaceAll('*', ''));
  return [
    ...expected.filter((pattern) => !texts.some((t) => pattern.test(t))).map((pattern) => `Slack: no reply matches ${pattern}`),
    ...texts.filter((t) => !expected.some((pattern) => pattern.test(t))).map((t) => `Slack: unexpected reply “${t.split('\n')[0]!.slice(0, 120)}”`),
  ];
}

/** The root messages (every channel) whose commit link names this commit. */
export function rootsOfRelease(pipeline: Pipeline, sha: string): FakeSlackMessage[] {
  return [...pipeline.slack.messages.keys()].flatMap((channel) => pipeline.slack.roots(channel).filter((m) => JSON.stringify(m.blocks ?? []).includes(`/commit/${sha}`)));
}

/**
 * Waits until a release of a scenario reached its expected end (deploy path, audit, scan, Slack
 * root, commit statuses) or `timeoutMs` passed, then reports what every side shows and each
 * difference. `previous` is the release a rollback must return to.
 */
export async function checkRelease(
  pipeline: Pipeline,
  observer: PipelineObserver,
  run: ScenarioReleaseRun,
  options: { readonly previous?: ScenarioReleaseRun; readonly timeoutMs?: number } = {},
): Promise<ReleaseReport> {
  const { release, pushed } = run;
  const { releaseId, sha } = pushed;
  const names = scenarioNames(release.kind, release.params);
  const expected = expectedOutcome(release.kind, release.params, pushed.image!.digest);
  const links = { commitUrl: `${pipeline.git.url}/{owner}/{name}/commit/{sha}`, findingsUrl: 'https://portcullis.example.com/releases/{releaseId}' };
  const audit = () => observer.eventsOf(releaseId).find((e) => e.body.kind === 'audit.completed')?.body as AuditCompletedEvent | undefined;
  const scan = () => observer.eventsOf(releaseId).find((e) => e.body.kind === 'scan.completed')?.body as ScanCompletedEvent | undefined;
  const deployProblems = () => checkDeployPath(observer.transitions(releaseId, names.environment), expected.deploy, options.previous?.pushed.releaseId);
  const statusProblems = () =>
    Object.entries(expectedStatuses(expected)).flatMap(([context, want]) => {
      const got = pipeline.github.latest(`${names.owner}/${names.name}`, sha, context);
      return got?.state === want.state && want.description.test(got.description ?? '') ? [] : [`status ${context}: expected ${want.state} ${want.description}, saw ${got ? `${got.state}: ${got.description}` : 'none'}`];
    });
  const slackProblems = () => {
    const roots = rootsOfRelease(pipeline, sha);
    if (roots.length !== 1) return [`Slack: ${roots.length} root messages for the release, expected 1`];
    const thread = foldEvents(observer.threadEventsOf(releaseId));
    if (thread === undefined) return ['Slack: no event of the release to fold'];
    const want = renderRoot(thread, links);
    const root = roots[0]!;
    const rootProblems =
      root.text === want.text && isDeepStrictEqual(root.blocks, JSON.parse(JSON.stringify(want.blocks))) ? [] : [`Slack: the root shows “${root.text}”, expected “${want.text}” (or its blocks differ)`];
    return [...rootProblems, ...replyProblems(pipeline.slack.replies(root.channel, root.ts), expected.replies)];
  };
  const problems = () => [
    ...(audit() ? [] : ['no audit.completed']),
    ...(scan() ? [] : ['no scan.completed for the release']),
    ...deployProblems(),
    ...statusProblems(),
    ...slackProblems(),
  ];
  const timeoutMs = options.timeoutMs ?? 120_000;
  try {
    // Everything converges: wait until nothing differs, then look once more after a quiet moment
    // (a late event must not change an outcome already reported).
    await observer.waitFor(() => (problems().length === 0 ? true : undefined), timeoutMs, () => problems().join('; '));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  } catch {
    // Reported below, with everything else that differs.
  }

  const found: string[] = [...problems()];
  const a = audit();
  if (a) {
    const findings = a.findings.map((f) => ({ ruleId: f.ruleId, kind: f.kind, severity: f.severity, path: f.path, line: f.line }));
    if (a.verdict !== expected.audit.verdict || !isDeepStrictEqual(findings, expected.audit.findings.map((f) => ({ ...f })))) {
      found.push(`audit: expected ${expected.audit.verdict} with ${JSON.stringify(expected.audit.findings)}, saw ${a.verdict} with ${JSON.stringify(findings)}`);
    }
  }
  const s = scan();
  if (s) {
    const vulnerabilities = JSON.parse(JSON.stringify(s.vulnerabilities)) as unknown;
    if (s.verdict !== expected.scan.verdict || !isDeepStrictEqual(vulnerabilities, JSON.parse(JSON.stringify(expected.scan.vulnerabilities)))) {
      found.push(`scan: expected ${expected.scan.verdict} with ${expected.scan.vulnerabilities.length} vulnerabilities, saw ${s.verdict} with ${JSON.stringify(vulnerabilities)}`);
    }
  }
  const cluster = await liveDeployment(pipeline, names.name);
  const wantRelease = expected.cluster === 'this-release' ? run : expected.cluster === 'previous-release' ? options.previous : undefined;
  if (wantRelease === undefined) {
    if (cluster !== undefined) found.push(`cluster: expected no Deployment ${names.name}, found one (${cluster.release})`);
  } else {
    const image = `${pipeline.registry}/${names.imageRepository}@${wantRelease.pushed.image!.digest}`;
    if (cluster === undefined) found.push(`cluster: no Deployment ${names.name}`);
    else if (cluster.image !== image || cluster.release !== wantRelease.pushed.releaseId) found.push(`cluster: expected ${image} of ${wantRelease.pushed.releaseId}, saw ${cluster.image} of ${cluster.release}`);
  }

  const transitions = observer.transitions(releaseId, names.environment);
  const last = transitions.at(-1);
  const roots = rootsOfRelease(pipeline, sha);
  return {
    releaseId,
    title: `${names.owner}/${names.name}@${sha.slice(0, 7)}`,
    kind: release.kind,
    outcome: last ? `${last.to} (${last.reason})` : 'none',
    transitions: transitions.map(show),
    audit: a ? `${a.verdict}, ${a.findings.length} finding(s)${a.findings.map((f) => ` ${f.ruleId} ${f.path}:${f.line} ${f.preview}`).join(',')}` : 'none',
    scan: s ? `${s.verdict}, ${s.vulnerabilities.length} vulnerabilit${s.vulnerabilities.length === 1 ? 'y' : 'ies'}${s.vulnerabilities.map((v) => ` ${v.id} ${v.package.name}@${v.package.version}`).join(',')}` : 'none',
    cluster: cluster ? `${cluster.image}, ${cluster.readyReplicas}/${cluster.replicas} ready, release ${cluster.release}` : 'absent',
    slack: {
      roots: roots.length,
      ...(roots.at(-1)?.text === undefined ? {} : { text: roots.at(-1)!.text! }),
      replies: roots.length === 0 ? [] : pipeline.slack.replies(roots[0]!.channel, roots[0]!.ts).map((r) => r.text ?? ''),
    },
    statuses: Object.fromEntries(
      [...STATUS_CONTEXTS, `portcullis/deploy-${names.environment}`].flatMap((context) => {
        const got = pipeline.github.latest(`${names.owner}/${names.name}`, sha, context);
        return got ? [[context, `${got.state}: ${got.description}`]] : [];
      }),
    ),
    problems: [...new Set(found)],
  };
}

/**
 * Checks every release of a scenario (each rollback against the release before it), newest first:
 * what the cluster shows for an earlier release holds only once the later ones have settled.
 */
export async function checkScenario(pipeline: Pipeline, observer: PipelineObserver, run: ScenarioRun, timeoutMs?: number): Promise<ReleaseReport[]> {
  const reports: ReleaseReport[] = [];
  for (let index = run.releases.length - 1; index >= 0; index -= 1) {
    const previous = index > 0 ? run.releases[index - 1] : undefined;
    reports.unshift(await checkRelease(pipeline, observer, run.releases[index]!, { ...(previous ? { previous } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }) }));
  }
  return reports;
}

async function liveDeployment(pipeline: Pipeline, name: string) {
  try {
    const d = await pipeline.admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name, namespace: pipeline.namespace });
    return {
      image: d.spec?.template.spec?.containers[0]?.image,
      release: d.spec?.template.metadata?.annotations?.['portcullis.dev/release'],
      replicas: d.spec?.replicas ?? 0,
      readyReplicas: d.status?.readyReplicas ?? 0,
    };
  } catch (error) {
    if (kubeStatusOf(error) === 404) return undefined;
    throw error;
  }
}
