import { Command, InvalidArgumentError, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { type CliContext } from '../cli.context.js';
import { type ApiOptions, print, ServiceApiClient, whoAmI } from './service-api.client.js';

const DEFAULT_AUDITOR_URL = 'http://127.0.0.1:8081';
const FINGERPRINT = /^[0-9a-f]{64}$/;
const STATES = ['open', 'false_positive', 'rotated', 'accepted'] as const;
const PROVIDERS = ['github', 'gitlab', 'bitbucket', 'bitbucket-dc', 'gitea'] as const;

function fingerprint(value: string): string {
  if (!FINGERPRINT.test(value)) throw new InvalidArgumentError('a fingerprint is 64 lower-case hex characters, as audit results report it');
  return value;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new InvalidArgumentError('a whole number from 1 to 200');
  return n;
}

/** The secret-auditor's triage and sweep API. */
const auditor = new ServiceApiClient({
  service: 'secret-auditor',
  urlOption: 'auditor-url',
  urlVariable: 'PORTCULLIS_AUDITOR_URL',
  defaultUrl: DEFAULT_AUDITOR_URL,
  tokenVariables: ['PORTCULLIS_API_TOKEN'],
});

interface IncidentJson {
  fingerprint: string;
  state: string;
  severity?: string;
  ruleId?: string;
  repositories?: string[];
  locations?: { repository: string; path: string; firstSeenAt: string }[];
  locationsTruncated?: boolean;
  triage?: { state: string; by: string; reason: string; until?: string; decidedAt: string; lapsed: boolean };
  firstSeenAt?: string;
  lastSeenAt?: string;
}

function incidentLine(i: IncidentJson): string {
  const repos = i.repositories ?? [];
  return [i.fingerprint, i.state.padEnd(14), (i.severity ?? '-').padEnd(8), (i.ruleId ?? '-').padEnd(24), `${repos.length} repo(s): ${repos.slice(0, 3).join(', ')}${repos.length > 3 ? ', …' : ''}`].join('  ');
}

function incidentDetail(i: IncidentJson): string {
  const lines = [`fingerprint  ${i.fingerprint}`, `state        ${i.state}`];
  if (i.ruleId !== undefined) lines.push(`rule         ${i.ruleId} (${i.severity ?? 'unknown'})`, `seen         ${i.firstSeenAt} … ${i.lastSeenAt}`);
  if (i.triage !== undefined) {
    const until = i.triage.until === undefined ? '' : ` until ${i.triage.until}${i.triage.lapsed ? ' (lapsed)' : ''}`;
    lines.push(`decision     ${i.triage.state}${until} by ${i.triage.by} at ${i.triage.decidedAt}: ${i.triage.reason}`);
  }
  lines.push(`locations    ${(i.locations ?? []).length}${i.locationsTruncated === true ? ' (more not kept)' : ''}`);
  for (const l of i.locations ?? []) lines.push(`  ${l.repository}  ${l.path}  (first seen ${l.firstSeenAt})`);
  return lines.join('\n');
}

/** `portcullis triage …`: org-wide triage of secret findings, by fingerprint, through the secret-auditor API. */
export function triageCommand(context: CliContext): Command {
  const triage = new Command('triage').description(
    'Triage secret findings org-wide by fingerprint through the secret-auditor API (PORTCULLIS_AUDITOR_URL, token in PORTCULLIS_API_TOKEN).',
  );

  auditor.withApiOptions(
    triage
      .command('list')
      .description('List incidents (one per secret, with every repository it was found in), optionally only those in one state.')
      .addOption(new Option('--state <state>', 'only incidents that count as this state now').choices(STATES))
      .option('--limit <n>', 'incidents per page (1-200, default 50)', positiveInt)
      .option('--cursor <fingerprint>', 'continue after this fingerprint (the previous page’s nextCursor)', fingerprint),
  ).action(async (options: ApiOptions & { state?: string; limit?: number; cursor?: string }) => {
    const query = new URLSearchParams();
    if (options.state !== undefined) query.set('state', options.state);
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    const page = await auditor.call(context, options, 'GET', `/v1/secrets/incidents${query.size > 0 ? `?${query.toString()}` : ''}`);
    const items = (page['items'] as IncidentJson[] | undefined) ?? [];
    print(context, options, page, () => {
      const lines = items.length === 0 ? ['no incidents'] : items.map(incidentLine);
      if (typeof page['nextCursor'] === 'string') lines.push(`more: --cursor ${page['nextCursor']}`);
      return lines.join('\n');
    });
  });

  auditor.withApiOptions(
    triage
      .command('show')
      .description('Show one incident: where the secret was found and the decision in force.')
      .argument('<fingerprint>', 'the finding’s fingerprint (64 hex)', fingerprint),
  ).action(async (fp: string, options: ApiOptions) => {
    const incident = await auditor.call(context, options, 'GET', `/v1/secrets/incidents/${fp}`);
    print(context, options, incident, () => incidentDetail(incident as unknown as IncidentJson));
  });

  auditor.withApiOptions(
    triage
      .command('set')
      .description('Record a triage decision for a fingerprint, for every repository. Answers once the decision is stored in Kafka.')
      .argument('<fingerprint>', 'the finding’s fingerprint (64 hex)', fingerprint)
      .addOption(new Option('--state <state>', 'the decision').choices(STATES).makeOptionMandatory())
      .requiredOption('--reason <text>', 'why, for the audit trail')
      .option('--until <date>', 'with --state accepted: when the acceptance lapses (2027-01-31 or an RFC 3339 time)')
      .option('--by <name>', 'who decides (default: your user name)')
      .option('--repository <provider/owner/name>', 'only for a fingerprint no audit reported yet: the repository the decision is about')
      .option('--request-id <id>', 'idempotency key: repeating a request with the same id records it once (default: random)'),
  ).action(async (fp: string, options: ApiOptions & { state: string; reason: string; until?: string; by?: string; repository?: string; requestId?: string }) => {
    if (options.until !== undefined && options.state !== 'accepted') throw new Error('--until only applies to --state accepted');
    const body = {
      state: options.state,
      reason: options.reason,
      by: options.by ?? whoAmI(context),
      requestId: options.requestId ?? randomUUID(),
      ...(options.until === undefined ? {} : { until: options.until }),
      ...(options.repository === undefined ? {} : { repository: options.repository }),
    };
    const answer = await auditor.call(context, options, 'PUT', `/v1/secrets/triage/${fp}`, body);
    print(context, options, answer, () => `recorded: ${fp} → ${options.state} (request ${String(answer['requestId'])}); incidents show it within seconds`);
  });

  return triage;
}

/** `provider/owner/name`, or `owner/name` on `--provider` (default github). */
function repositoryKeyOf(value: string, provider: string): string {
  const first = value.split('/')[0] ?? '';
  const key = (PROVIDERS as readonly string[]).includes(first) ? value : `${provider}/${value}`;
  if (!/^[a-z-]+\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/[A-Za-z0-9._-]+$/.test(key)) {
    throw new Error(`not a repository: ${value} (expected owner/name or provider/owner/name)`);
  }
  return key;
}

/** `portcullis secrets sweep <repository>`: a full-history sweep through the secret-auditor API. */
export function secretsSweepCommand(context: CliContext): Command {
  return auditor.withApiOptions(
    new Command('sweep')
      .description('Request a full-history secret sweep of one repository; it runs at low priority.')
      .argument('<repository>', 'owner/name (on --provider) or provider/owner/name')
      .addOption(new Option('--provider <provider>', 'git provider of an owner/name repository').choices(PROVIDERS).default('github'))
      .option('--by <name>', 'who asks (default: your user name)'),
  ).action(async (repository: string, options: ApiOptions & { provider: string; by?: string }) => {
    const key = repositoryKeyOf(repository, options.provider);
    const answer = await auditor.call(context, options, 'POST', '/v1/secrets/sweeps', { repository: key, by: options.by ?? whoAmI(context), requestId: randomUUID() });
    print(context, options, answer, () => `sweep of ${key} queued (request ${String(answer['requestId'])})`);
  });
}

/**
 * `portcullis secrets …`: the sweep, plus any other `secrets` sub-commands (e.g. the local
 * `secrets scan`), so they share one parent.
 */
export function secretsCommand(context: CliContext, others: readonly Command[] = []): Command {
  const secrets = new Command('secrets').description('Secret audit: local scans and operations through the secret-auditor API.');
  for (const command of [...others, secretsSweepCommand(context)]) secrets.addCommand(command);
  return secrets;
}
