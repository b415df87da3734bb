import {
  type BlockingSummary,
  EnvironmentName,
  formatImageReference,
  type GateName,
  type ImageReference,
  OpaqueId,
  ReleaseId,
  type ReleaseState,
  type Verdict,
} from '@portcullis/contracts';
import { Command, InvalidArgumentError } from 'commander';
import { randomUUID } from 'node:crypto';
import { type CliContext } from '../cli.context.js';
import { type ApiOptions, print, ServiceApiClient, whoAmI } from './service-api.client.js';

const DEFAULT_ORCHESTRATOR_URL = 'http://127.0.0.1:8083';
/** Limits of the release API's bodies, checked here too so a typo costs no round trip. */
const MAX_TEXT = 500;
const MAX_BY = 200;

/** The deploy-orchestrator's release API (service side: DEPLOY_API_TOKEN). */
const orchestrator = new ServiceApiClient({
  service: 'deploy-orchestrator',
  urlOption: 'orchestrator-url',
  urlVariable: 'PORTCULLIS_ORCHESTRATOR_URL',
  defaultUrl: DEFAULT_ORCHESTRATOR_URL,
  // The orchestrator has its own token; the shared variable still works when one token serves all.
  tokenVariables: ['PORTCULLIS_ORCHESTRATOR_TOKEN', 'PORTCULLIS_API_TOKEN'],
});

function releaseId(value: string): string {
  if (!ReleaseId.safeParse(value).success) throw new InvalidArgumentError('expected provider/owner/name@<full commit sha>, e.g. github/acme/shop@<40 hex>');
  return value;
}

function environmentName(value: string): string {
  if (!EnvironmentName.safeParse(value).success) throw new InvalidArgumentError('an environment name is 1-63 lower-case letters, digits and -, as in .portcullis.yaml');
  return value;
}

function requestId(value: string): string {
  if (!OpaqueId.safeParse(value).success) throw new InvalidArgumentError('1-128 letters, digits and . _ : @ / + = -');
  return value;
}

function text(what: string, max: number) {
  return (value: string): string => {
    const trimmed = value.trim();
    if (trimmed === '' || trimmed.length > max) throw new InvalidArgumentError(`${what}: 1 to ${max} characters`);
    return trimmed;
  };
}

interface GateFailure {
  code: string;
  message: string;
}

/** `GET /v1/releases/:releaseId`, as far as this command reads it. */
interface ReleaseViewJson {
  releaseId: string;
  sha: string;
  updatedAt: string;
  gates: {
    secrets: { verdict: Verdict; ref: string; blocking: number; failure?: GateFailure } | null;
    builds: ImageReference[];
    scans: { image: ImageReference; verdict: Verdict; blocking: number; failure?: GateFailure }[];
  };
  environments: Record<
    string,
    {
      state: ReleaseState;
      reason: string;
      message: string;
      sequence: number;
      waitingFor?: GateName[];
      blocking?: BlockingSummary;
      approvedBy?: string;
      lastGoodReleaseId?: string;
    }
  >;
}

function gateOutcome(gate: { verdict: Verdict; blocking: number; failure?: GateFailure }): string {
  const failure = gate.failure === undefined ? '' : ` — could not run: ${gate.failure.code}: ${gate.failure.message}`;
  return `${gate.verdict}, ${gate.blocking} blocking${failure}`;
}

function blockingLines(blocking: BlockingSummary): string[] {
  const lines = [`    blocking      ${blocking.secrets} secret(s), ${blocking.vulnerabilities} vulnerability(ies), ${blocking.policyViolations} policy violation(s)`];
  const gateWidth = Math.max(4, ...blocking.items.map((i) => i.gate.length));
  const idWidth = Math.max(2, ...blocking.items.map((i) => i.id.length));
  for (const item of blocking.items) {
    lines.push(`      ${item.gate.padEnd(gateWidth)}  ${item.id.padEnd(idWidth)}  ${(item.severity ?? '-').padEnd(8)}  ${item.location}`);
  }
  const total = blocking.secrets + blocking.vulnerabilities + blocking.policyViolations;
  if (total > blocking.items.length) lines.push(`      … ${total - blocking.items.length} more (the most severe are listed)`);
  return lines;
}

/** Per environment: where the release stands, why, what it waits for and what blocks it. */
function releaseSummary(release: ReleaseViewJson): string {
  const { secrets, builds, scans } = release.gates;
  const lines = [`release  ${release.releaseId}`, `updated  ${release.updatedAt}`, 'gates'];
  lines.push(`  secrets  ${secrets === null ? 'no audit yet' : `${gateOutcome(secrets)} (ref ${secrets.ref})`}`);
  lines.push(`  builds   ${builds.length === 0 ? 'none announced yet' : builds.map(formatImageReference).join(', ')}`);
  if (scans.length === 0) lines.push('  scans    none yet');
  for (const scan of scans) lines.push(`  scan     ${formatImageReference(scan.image)}: ${gateOutcome(scan)}`);
  const environments = Object.entries(release.environments);
  lines.push(environments.length === 0 ? 'environments  none yet' : 'environments');
  for (const [name, env] of environments) {
    lines.push(`  ${name}: ${env.state} (${env.reason}) ${env.message}`);
    if (env.waitingFor !== undefined && env.waitingFor.length > 0) lines.push(`    waiting for   ${env.waitingFor.join(', ')}`);
    if (env.blocking !== undefined) lines.push(...blockingLines(env.blocking));
    if (env.approvedBy !== undefined) lines.push(`    approved by   ${env.approvedBy}`);
    if (env.lastGoodReleaseId !== undefined) lines.push(`    last good     ${env.lastGoodReleaseId}`);
  }
  return lines.join('\n');
}

type Decision = 'approve' | 'promote' | 'rollback';

interface DecisionOptions extends ApiOptions {
  env: string;
  by?: string;
  requestId?: string;
  comment?: string;
  reason?: string;
}

const DONE: Record<Decision, string> = { approve: 'approval', promote: 'promotion', rollback: 'rollback' };

/** One `release approve|promote|rollback` sub-command: all three post a decision the same way. */
function decisionCommand(context: CliContext, decision: Decision, description: string): Command {
  const command = new Command(decision)
    .description(description)
    .argument('<releaseId>', 'the release: provider/owner/name@<full commit sha>', releaseId)
    .requiredOption('--env <name>', 'the environment (as named in .portcullis.yaml)', environmentName)
    .option('--by <name>', 'who decides (default: your user name)', text('--by', MAX_BY))
    .option('--request-id <id>', 'idempotency key: repeating a request with the same id records it once (default: random)', requestId);
  if (decision === 'rollback') command.requiredOption('--reason <text>', 'why, for the audit trail and the notification', text('--reason', MAX_TEXT));
  else command.option('--comment <text>', 'a note for the audit trail and the notification', text('--comment', MAX_TEXT));
  return orchestrator.withApiOptions(command).action(async (id: string, options: DecisionOptions) => {
    const body = {
      by: options.by ?? whoAmI(context),
      requestId: options.requestId ?? randomUUID(),
      ...(options.comment === undefined ? {} : { comment: options.comment }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    };
    const path = `/v1/releases/${encodeURIComponent(id)}/environments/${options.env}/${decision}`;
    const answer = await orchestrator.call(context, options, 'POST', path, body);
    print(
      context,
      options,
      answer,
      () => `${DONE[decision]} of ${id} in ${options.env} requested (request ${String(answer['requestId'])}); \`portcullis release show\` reports the outcome`,
    );
  });
}

/** `portcullis release …`: where a release stands and why, and the operator's decisions on it. */
export function releaseCommand(context: CliContext): Command {
  const release = new Command('release').description(
    'Inspect releases and approve, promote or roll them back through the deploy-orchestrator API (PORTCULLIS_ORCHESTRATOR_URL, token in PORTCULLIS_ORCHESTRATOR_TOKEN or PORTCULLIS_API_TOKEN).',
  );

  release.addCommand(
    orchestrator
      .withApiOptions(
        new Command('show')
          .description('Show where a release stands in each environment and why: the gates, what it waits for and every item that blocks it.')
          .argument('<releaseId>', 'the release: provider/owner/name@<full commit sha>', releaseId),
      )
      .action(async (id: string, options: ApiOptions) => {
        const view = await orchestrator.call(context, options, 'GET', `/v1/releases/${encodeURIComponent(id)}`);
        print(context, options, view, () => releaseSummary(view as unknown as ReleaseViewJson));
      }),
  );
  release.addCommand(decisionCommand(context, 'approve', 'Approve a release for an environment that requires approval. Answers once the decision is stored in Kafka.'));
  release.addCommand(decisionCommand(context, 'promote', 'Promote a release to an environment (deploy it there). Answers once the request is stored in Kafka.'));
  release.addCommand(
    decisionCommand(context, 'rollback', 'Roll an environment back from this release to its last good release. Answers once the request is stored in Kafka.'),
  );
  return release;
}
