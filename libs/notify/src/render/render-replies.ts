import type { Severity } from '@portcullis/contracts';
import {
  actionsInOrder,
  type ActionFact,
  type AuditFact,
  type EnvironmentFact,
  type FindingFact,
  type ReleaseThread,
  type ScanFact,
} from '../thread/release-thread.js';
import {
  atLeast,
  countsLabel,
  imageLabel,
  inline,
  mentionsText,
  plural,
  shortDigest,
  shortRelease,
  SEVERITY_EMOJI,
} from './format.js';
import { code, escapeMrkdwn, fitLines, MessageBuilder, SLACK_LIMITS, type SlackMessage } from './slack-limits.js';

/** A thread reply, with the key that makes posting it idempotent. */
export interface ThreadReply extends SlackMessage {
  /**
   * Stable for the fact the reply is about (`audit:<event id>`, `deploy:<env>:<sequence>`,
   * `action:<request id>`, …). The caller records the keys it posted per release and skips a reply
   * whose key it has seen, so a redelivered event never posts twice.
   */
  key: string;
}

/** How replies read. */
export interface ReplyOptions {
  /** Findings and vulnerabilities below this severity are left out of lists (counts still cover them). Default: show all. */
  minSeverity?: Severity;
  /** Lines of findings in the audit reply. Default 10. */
  maxFindingLines?: number;
  /** Slack user or user-group ids to mention when a gate fails or a rollout fails (`U…`, `W…`, `S…`). */
  mentions?: readonly string[];
}

const DEFAULT_FINDING_LINES = 10;

/** The reply key of each fact kind, exported so callers and tests can name them. */
export const replyKeys = {
  audit: (audit: AuditFact) => `audit:${audit.eventId}`,
  scan: (imageKey: string, scan: ScanFact) => `scan:${imageKey}:${scan.eventId}`,
  deploy: (environment: string, env: EnvironmentFact) => `deploy:${environment}:${env.sequence}`,
  action: (action: ActionFact) => `action:${action.requestId}`,
};

/**
 * The thread replies the step from `previous` to `next` warrants, in a stable order: the audit
 * result, scan results, deploy steps, then who did what. Facts that did not change yield nothing,
 * so applying a redelivered event yields no reply at all.
 */
export function renderReplies(previous: ReleaseThread | undefined, next: ReleaseThread, options: ReplyOptions = {}): ThreadReply[] {
  const replies: ThreadReply[] = [];
  const mentions = mentionsText(options.mentions ?? []);

  if (next.audit && next.audit.eventId !== previous?.audit?.eventId) {
    const reply = auditReply(next, next.audit, options, mentions);
    if (reply) replies.push(reply);
  }

  for (const [key, scan] of Object.entries(next.scans).sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (previous?.scans[key]?.eventId === scan.eventId) continue;
    const reply = scanReply(key, scan, options, mentions);
    if (reply) replies.push(reply);
  }

  for (const [name, env] of Object.entries(next.environments).sort(([x], [y]) => (x < y ? -1 : 1))) {
    const before = previous?.environments[name];
    if (before && before.sequence >= env.sequence) continue;
    const reply = deployReply(name, env, mentions);
    if (reply) replies.push(reply);
  }

  for (const action of actionsInOrder(next)) {
    if (previous?.actions[action.requestId]) continue;
    replies.push(actionReply(next, action));
  }
  return replies;
}

function auditReply(thread: ReleaseThread, audit: AuditFact, options: ReplyOptions, mentions: string): ThreadReply | undefined {
  const key = replyKeys.audit(audit);
  const b = new MessageBuilder();
  if (audit.status === 'failed') {
    const text = `:warning: *Secret audit could not run* — \`${inline(audit.code)}\`\n${inline(audit.message)}`;
    b.section(withMentions(text, mentions));
    return { key, ...b.build(`Secret audit could not run: ${escapeMrkdwn(audit.code)}`) };
  }
  // A clean pass is already on the root message; a reply would only add noise.
  if (audit.verdict === 'pass' && audit.findingsTotal === 0) return undefined;

  const verdict = audit.verdict === 'pass' ? ':white_check_mark: *Secrets gate passed*' : audit.verdict === 'error' ? ':warning: *Secrets gate could not evaluate its policy*' : ':x: *Secrets gate failed*';
  const summary = `${verdict} — ${countsLabel(audit.counts)} (fails on ${audit.failOn}+, ${audit.suppressed} suppressed) in ${plural(audit.commits, 'commit')}, ${plural(audit.files, 'file')}`;
  b.section(audit.verdict === 'pass' ? summary : withMentions(summary, mentions));

  const triage = latestTriage(thread);
  const min = options.minSeverity ?? 'unknown';
  const shown = audit.findings.filter((f) => atLeast(f.severity, min));
  const limit = Math.max(1, options.maxFindingLines ?? DEFAULT_FINDING_LINES);
  const lines = shown.slice(0, limit).map((f) => findingLine(f, triage.get(f.fingerprint)));
  const more = audit.findingsTotal - Math.min(shown.length, limit);
  const moreLine = `… and ${more} more${audit.findingsTruncated ? ' (the audit listed only the first ones)' : ''}`;
  if (lines.length > 0) {
    b.section(fitLines(more > 0 ? [...lines, moreLine] : lines, SLACK_LIMITS.sectionText, (n) => `… and ${more + n - 1} more`));
  } else if (more > 0) {
    b.section(moreLine);
  }
  if (audit.skipped > 0) b.context([`${audit.skipsTruncated ? `${audit.skipped}+ files` : plural(audit.skipped, 'file')} not scanned (binary, too large or over the time budget).`]);
  return { key, ...b.build(`Secrets gate ${audit.verdict}: ${countsLabel(audit.counts)}`) };
}

/** `• 🟠 github-pat src/a.ts:12 — const token = "ghp_****" (author)`, with triage when known. */
function findingLine(f: FindingFact, triaged: ActionFact | undefined): string {
  const state = triaged?.triageState ?? f.triage;
  const triage = state === 'open' ? '' : ` · _${state.replace('_', ' ')}${triaged ? ` by ${inline(triaged.actor.name)}` : ''}_`;
  return `• ${SEVERITY_EMOJI[f.severity]} ${code(f.ruleId)} ${code(`${f.path}:${f.line}`)} — ${code(f.preview)}${f.author ? ` (${inline(f.author)})` : ''}${triage}`;
}

/** The newest triage decision per fingerprint made from this thread. */
function latestTriage(thread: ReleaseThread): Map<string, ActionFact> {
  const map = new Map<string, ActionFact>();
  for (const a of actionsInOrder(thread)) if (a.kind === 'finding.triage' && a.fingerprint) map.set(a.fingerprint, a);
  return map;
}

function scanReply(imageKey: string, scan: ScanFact, options: ReplyOptions, mentions: string): ThreadReply | undefined {
  const key = replyKeys.scan(imageKey, scan);
  const label = `${inline(imageLabel(scan.image))} \`${shortDigest(scan.image.digest)}\``;
  const b = new MessageBuilder();
  if (scan.status === 'failed') {
    b.section(withMentions(`:warning: *Image scan could not run* for ${label} — \`${inline(scan.code)}\`\n${inline(scan.message)}`, mentions));
    return { key, ...b.build(`Image scan could not run: ${escapeMrkdwn(scan.code)}`) };
  }
  if (scan.verdict === 'pass' && scan.fixableCriticalTotal === 0) return undefined;
  const verdict = scan.verdict === 'pass' ? ':white_check_mark: *Image scan passed*' : scan.verdict === 'error' ? ':warning: *Image scan could not evaluate its policy*' : ':x: *Image scan failed*';
  const summary = `${verdict} for ${label} — ${countsLabel(scan.counts)} (fails on ${scan.failOn}+, ${scan.suppressed} suppressed) · ${scan.packageCount} packages${scan.platform ? ` · ${inline(scan.platform)}` : ''} · db ${inline(scan.vulndbVersion)}`;
  b.section(scan.verdict === 'pass' ? summary : withMentions(summary, mentions));
  const showCriticals = atLeast('critical', options.minSeverity ?? 'unknown');
  if (showCriticals && scan.fixableCriticals.length > 0) {
    const lines = scan.fixableCriticals.map(
      (v) => `• ${SEVERITY_EMOJI.critical} ${code(v.id)} ${inline(v.packageName)} ${code(v.installedVersion)} → ${code(v.fixedVersion)}`,
    );
    const more = scan.fixableCriticalTotal - lines.length;
    b.section(`*Fixable criticals*\n${fitLines(more > 0 ? [...lines, `… and ${more} more`] : lines, SLACK_LIMITS.sectionText - 20, (n) => `… and ${more + n - 1} more`)}`);
  }
  return { key, ...b.build(`Image scan ${scan.verdict} for ${escapeMrkdwn(imageLabel(scan.image))}: ${countsLabel(scan.counts)}`) };
}

function deployReply(name: string, env: EnvironmentFact, mentions: string): ThreadReply | undefined {
  const key = replyKeys.deploy(name, env);
  const where = `*${inline(name)}*`;
  const reason = `\`${inline(env.reason)}\``;
  const message = env.message ? `\n${inline(env.message)}` : '';
  const related = env.relatedReleaseId ? inline(shortRelease(env.relatedReleaseId)) : undefined;
  let text: string;
  let fallback: string;
  switch (env.to) {
    // Waiting and approved show on the root message; who approved comes as an action reply.
    case 'waiting':
    case 'approved':
      return undefined;
    case 'blocked': {
      const items = (env.blocking?.items ?? []).map(
        (i) => `• ${i.severity ? `${SEVERITY_EMOJI[i.severity]} ` : ''}${inline(i.gate)} ${code(i.id)} ${code(i.location)}`,
      );
      const counts = env.blocking
        ? `\n${plural(env.blocking.secrets, 'secret')}, ${plural(env.blocking.vulnerabilities, 'vulnerability')}, ${plural(env.blocking.policyViolations, 'policy violation')}`.replace('vulnerabilitys', 'vulnerabilities')
        : '';
      text = withMentions(`:no_entry: ${where} blocked · ${reason}${message}${counts}${items.length > 0 ? `\n${items.join('\n')}` : ''}`, mentions);
      fallback = `${name} blocked`;
      break;
    }
    case 'deploying':
      text = `:arrows_counterclockwise: ${where} rollout started (${env.strategy}) · ${reason}${message}`;
      fallback = `${name} deploying`;
      break;
    case 'succeeded':
      text = `:white_check_mark: ${where} rollout complete · ${reason}${message}`;
      fallback = `${name} deployed`;
      break;
    case 'failed':
      text = withMentions(`:x: ${where} rollout failed · ${reason}${message}`, mentions);
      fallback = `${name} rollout failed`;
      break;
    case 'rolled_back':
      text = withMentions(`:rewind: ${where} rolled back${related ? ` to ${related}` : ''} · ${reason}${message}`, mentions);
      fallback = `${name} rolled back`;
      break;
    case 'superseded':
      text = `:fast_forward: ${where} superseded${related ? ` by ${related}` : ''} · ${reason}${message}`;
      fallback = `${name} superseded`;
      break;
  }
  return { key, ...new MessageBuilder().section(text).build(escapeMrkdwn(fallback)) };
}

function actionReply(thread: ReleaseThread, action: ActionFact): ThreadReply {
  const who = `:bust_in_silhouette: *${inline(action.actor.name)}* (${action.actor.source})`;
  const env = action.environment ? `*${inline(action.environment)}*` : '';
  const note = action.note ? ` — “${inline(action.note)}”` : '';
  let what: string;
  switch (action.kind) {
    case 'release.approve':
      what = `approved ${env}`;
      break;
    case 'release.promote':
      what = `promoted ${env}`;
      break;
    case 'release.rollback':
      what = `asked to roll back ${env}`;
      break;
    case 'finding.triage': {
      const finding = thread.audit?.status === 'completed' ? thread.audit.findings.find((f) => f.fingerprint === action.fingerprint) : undefined;
      const where = finding ? ` (${code(finding.ruleId)} at ${code(`${finding.path}:${finding.line}`)})` : '';
      what = `marked finding ${code((action.fingerprint ?? '').slice(0, 12))}${where} as ${(action.triageState ?? 'open').replace('_', ' ')}${action.until ? ` until ${inline(action.until.slice(0, 10))}` : ''}`;
      break;
    }
    case 'vulnerability.accept':
      what = `accepted ${code(action.vulnerabilityId ?? '')}${action.packageName ? ` in ${inline(action.packageName)}` : ''} until ${inline((action.until ?? '').slice(0, 10))}`;
      break;
  }
  const message = new MessageBuilder().section(`${who} ${what}${note}`).build(escapeMrkdwn(`${action.actor.name}: ${action.kind}${action.environment ? ` ${action.environment}` : ''}`));
  return { key: replyKeys.action(action), ...message };
}

function withMentions(text: string, mentions: string): string {
  return mentions ? `${text}\n${mentions}` : text;
}
