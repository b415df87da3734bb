import { type RepoNotifyReading, repositoryKey, type Severity } from '@portcullis/contracts';
import {
  actionsInOrder,
  type ActionFact,
  type AuditFact,
  type EnvironmentFact,
  type FindingFact,
  type FixableVulnerability,
  type ImageSecretFindingFact,
  type ImageSecretsFact,
  type ImageTestsFact,
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
import { encodeActionValue, FINDING_TRIAGE_ACTION_ID, FindingTriageValue, VULNERABILITY_ACCEPT_ACTION_ID, VulnerabilityAcceptValue } from './action-values.js';
import { code, escapeMrkdwn, fitLines, MessageBuilder, SLACK_LIMITS, type ButtonSpec, type SlackMessage } from './slack-limits.js';
import { dependenciesReply, dependenciesReplyKey } from './render-dependencies.js';

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
  /** Draw the triage and accept buttons. Default true; off where nobody can click (incoming webhooks). */
  buttons?: boolean;
  /** Open findings of the audit reply that get "False positive" / "Rotated" buttons, first ones first. Default 5, at most 10. */
  maxTriageFindings?: number;
  /** Days an "Accept for N days" click accepts a fixable critical for, counted from the scan's time. Default 30, 1 to 365. */
  acceptDays?: number;
}

const DEFAULT_FINDING_LINES = 10;
const DEFAULT_TRIAGE_FINDINGS = 5;
/** Two blocks per finding with buttons: ten keep the audit reply far below 50 blocks. */
const MAX_TRIAGE_FINDINGS = 10;
const DEFAULT_ACCEPT_DAYS = 30;
const MAX_ACCEPT_DAYS = 365;
const DAY_MS = 86_400_000;

/** The reply key of each fact kind, exported so callers and tests can name them. */
export const replyKeys = {
  audit: (audit: AuditFact) => `audit:${audit.eventId}`,
  scan: (imageKey: string, scan: ScanFact) => `scan:${imageKey}:${scan.eventId}`,
  deploy: (environment: string, env: EnvironmentFact) => `deploy:${environment}:${env.sequence}`,
  action: (action: ActionFact) => `action:${action.requestId}`,
  repoNotify: (audit: AuditFact) => `repo-notify:${audit.eventId}`,
  dependencies: dependenciesReplyKey,
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
    const dependencies = dependenciesReply(next.audit);
    if (dependencies) replies.push(dependencies);
    if (next.repoNotify?.status === 'invalid') replies.push(repoNotifyReply(next.audit, next.repoNotify));
  }

  for (const [key, scan] of Object.entries(next.scans).sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (previous?.scans[key]?.eventId === scan.eventId) continue;
    const reply = scanReply(next, key, scan, options, mentions);
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

/** Tells the owners their `notify:` section was ignored, naming the paths and reasons (the audit never carries values). */
function repoNotifyReply(audit: AuditFact, reading: Extract<RepoNotifyReading, { status: 'invalid' }>): ThreadReply {
  const problems = reading.problems.map((p) => `• ${code(p.path)} — ${inline(p.reason.toLowerCase().replaceAll('_', ' '))}`);
  const more = reading.problemsTruncated ? ['• … and more'] : [];
  const b = new MessageBuilder().section(
    fitLines([':gear: *The `notify:` section of `.portcullis.yaml` is invalid and was ignored*; the platform routing applies.', ...problems, ...more], SLACK_LIMITS.sectionText, (n) => `… and ${n} more`),
  );
  return { key: replyKeys.repoNotify(audit), ...b.build('The notify section of .portcullis.yaml is invalid and was ignored') };
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
  const listed = shown.slice(0, limit);
  const isOpen = (f: FindingFact) => (triage.get(f.fingerprint)?.triageState ?? f.triage) === 'open';

  // The first open findings come first, each with its buttons right below it, so a button is never
  // far from the finding it decides (on a phone, a row of ten buttons under a list would be a guess).
  const buttoned = triageButtonsFor(thread, listed.filter(isOpen), options);
  for (const [i, { finding, buttons }] of buttoned.entries()) {
    b.section(findingLine(finding, triage.get(finding.fingerprint)), { blockId: `finding:${i}` });
    b.actions(buttons, `triage:${i}`);
  }
  const withButtons = new Set(buttoned.map((x) => x.finding.fingerprint));
  const rest = listed.filter((f) => !buttoned.some((x) => x.finding === f));
  const lines = rest.map((f) => findingLine(f, triage.get(f.fingerprint)));
  const more = audit.findingsTotal - listed.length;
  const moreLine = `… and ${more} more${audit.findingsTruncated ? ' (the audit listed only the first ones)' : ''}`;
  if (lines.length > 0) {
    b.section(fitLines(more > 0 ? [...lines, moreLine] : lines, SLACK_LIMITS.sectionText, (n) => `… and ${more > 0 ? more + n - 1 : n} more`));
  } else if (more > 0) {
    b.section(moreLine);
  }
  const undecided = rest.some((f) => isOpen(f) && !withButtons.has(f.fingerprint)) || more > 0;
  if (buttoned.length > 0 && undecided) {
    b.context(['Triage the rest with `portcullis triage list --state open` and `portcullis triage set`.']);
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

/**
 * "False positive" and "Rotated" for the first open findings, one pair per fingerprint (a decision
 * covers the secret wherever it was found). A finding whose value would not decode gets none.
 */
function triageButtonsFor(thread: ReleaseThread, open: readonly FindingFact[], options: ReplyOptions): { finding: FindingFact; buttons: ButtonSpec[] }[] {
  if (options.buttons === false) return [];
  const max = wholeNumber(options.maxTriageFindings, DEFAULT_TRIAGE_FINDINGS, 0, MAX_TRIAGE_FINDINGS);
  const repository = repositoryKey(thread.repository);
  const out: { finding: FindingFact; buttons: ButtonSpec[] }[] = [];
  const seen = new Set<string>();
  for (const finding of open) {
    if (out.length >= max) break;
    if (seen.has(finding.fingerprint)) continue;
    const value = (state: FindingTriageValue['state']) =>
      encodeActionValue(FindingTriageValue, { fingerprint: finding.fingerprint, repository, state, releaseId: thread.releaseId });
    const falsePositive = value('false_positive');
    const rotated = value('rotated');
    if (!falsePositive || !rotated) continue;
    seen.add(finding.fingerprint);
    // Plain text: confirm dialogs do not render mrkdwn, so nothing here needs escaping.
    const where = `${finding.ruleId} at ${finding.path}:${finding.line}`;
    out.push({
      finding,
      buttons: [
        {
          text: 'False positive',
          actionId: FINDING_TRIAGE_ACTION_ID,
          value: falsePositive,
          confirm: {
            title: 'Mark as false positive?',
            text: `${where} stops counting as a secret. The decision covers this secret in every repository.`,
            confirm: 'False positive',
            deny: 'Cancel',
          },
        },
        {
          text: 'Rotated',
          actionId: FINDING_TRIAGE_ACTION_ID,
          value: rotated,
          confirm: {
            title: 'Mark as rotated?',
            text: `${where}: the secret has been revoked and replaced. The decision covers this secret in every repository.`,
            confirm: 'Rotated',
            deny: 'Cancel',
          },
        },
      ],
    });
  }
  return out;
}

/** The newest triage decision per fingerprint made from this thread. */
function latestTriage(thread: ReleaseThread): Map<string, ActionFact> {
  const map = new Map<string, ActionFact>();
  for (const a of actionsInOrder(thread)) if (a.kind === 'finding.triage' && a.fingerprint) map.set(a.fingerprint, a);
  return map;
}

function scanReply(thread: ReleaseThread, imageKey: string, scan: ScanFact, options: ReplyOptions, mentions: string): ThreadReply | undefined {
  const key = replyKeys.scan(imageKey, scan);
  const label = `${inline(imageLabel(scan.image))} \`${shortDigest(scan.image.digest)}\``;
  const b = new MessageBuilder();
  if (scan.status === 'failed') {
    b.section(withMentions(`:warning: *Image scan could not run* for ${label} — \`${inline(scan.code)}\`\n${inline(scan.message)}`, mentions));
    return { key, ...b.build(`Image scan could not run: ${escapeMrkdwn(scan.code)}`) };
  }
  const secrets = scan.secrets;
  const tests = scan.imageTests;
  if (scan.verdict === 'pass' && scan.fixableCriticalTotal === 0 && (secrets === undefined || secrets.findingsTotal === 0) && (tests === undefined || tests.verdict === 'passed')) return undefined;
  const verdict = scan.verdict === 'pass' ? ':white_check_mark: *Image scan passed*' : scan.verdict === 'error' ? ':warning: *Image scan could not evaluate its policy*' : ':x: *Image scan failed*';
  const summary = `${verdict} for ${label} — ${countsLabel(scan.counts)} (fails on ${scan.failOn}+, ${scan.suppressed} suppressed) · ${scan.packageCount} packages${scan.platform ? ` · ${inline(scan.platform)}` : ''} · db ${inline(scan.vulndbVersion)}`;
  b.section(scan.verdict === 'pass' ? summary : withMentions(summary, mentions));
  const showCriticals = atLeast('critical', options.minSeverity ?? 'unknown');
  if (showCriticals && scan.fixableCriticals.length > 0) {
    const lines = scan.fixableCriticals.map((v) => {
      const acceptance = acceptanceOf(thread, v, scan.time);
      const note = acceptance ? ` · _accepted until ${inline((acceptance.until ?? '').slice(0, 10))} by ${inline(acceptance.actor.name)}_` : '';
      return { v, acceptance, text: `• ${SEVERITY_EMOJI.critical} ${code(v.id)} ${inline(v.packageName)} ${code(v.installedVersion)} → ${code(v.fixedVersion)}${note}` };
    });
    const more = scan.fixableCriticalTotal - lines.length;
    const buttons = lines.map(({ v, acceptance }) => (acceptance ? undefined : acceptButton(thread, scan, v, options)));
    if (buttons.some((button) => button !== undefined)) {
      // One line per vulnerability with its button right below it: the thread keeps at most five.
      b.section('*Fixable criticals*');
      for (const [i, line] of lines.entries()) {
        b.section(line.text, { blockId: `vulnerability:${i}` });
        const button = buttons[i];
        if (button) b.actions([button], `accept:${i}`);
      }
      if (more > 0) b.context([`… and ${more} more`]);
    } else {
      const texts = lines.map((l) => l.text);
      b.section(`*Fixable criticals*\n${fitLines(more > 0 ? [...texts, `… and ${more} more`] : texts, SLACK_LIMITS.sectionText - 20, (n) => `… and ${more > 0 ? more + n - 1 : n} more`)}`);
    }
  }
  if (secrets && secrets.findingsTotal > 0) imageSecretsSection(b, thread, secrets, options);
  if (tests) b.section(imageTestsText(tests));
  return { key, ...b.build(`Image scan ${scan.verdict} for ${escapeMrkdwn(imageLabel(scan.image))}: ${countsLabel(scan.counts)}`) };
}

/**
 * The image-tests gate of one image: `:x: *Image tests:* 2 of 14 failed`, then up to five
 * `id — reason` lines, failures first, then tests that did not run (reasons never carry output).
 */
export function imageTestsText(tests: ImageTestsFact): string {
  const total = tests.passed + tests.failed + tests.notRun;
  if (tests.problems && tests.problems.length > 0) {
    return [':x: *Image tests:* the `imageTests:` section of `.portcullis.yaml` is invalid; no test ran', ...tests.problems.map((p) => `• ${inline(p)}`)].join('\n');
  }
  const head =
    tests.verdict === 'passed'
      ? `:white_check_mark: *Image tests:* ${total === 1 ? '1 passed' : `all ${total} passed`}`
      : tests.verdict === 'failed'
        ? `:x: *Image tests:* ${tests.failed} of ${total} failed${tests.notRun > 0 ? `, ${tests.notRun} did not run` : ''}`
        : `:warning: *Image tests:* ${tests.notRun} of ${total} did not run (untested, so the release is held)`;
  const lines = tests.results.map((r) => `• ${r.status === 'failed' ? ':x:' : ':grey_question:'} ${code(r.id)}${r.reason ? ` — ${inline(r.reason)}` : ''}`);
  const more = tests.failed + tests.notRun - lines.length;
  if (lines.length === 0) return head;
  return `${head}\n${fitLines(more > 0 ? [...lines, `… and ${more} more`] : lines, SLACK_LIMITS.sectionText - head.length - 1, (n) => `… and ${more > 0 ? more + n - 1 : n} more`)}`;
}

/**
 * The secrets baked into an image, in the words of the secrets gate: counts under the `secrets:`
 * policy, then the first findings as masked previews with where they sit (a layer's file, the
 * env, a build step) and their triage, a triage decision made in this thread shown as it is.
 */
function imageSecretsSection(b: MessageBuilder, thread: ReleaseThread, secrets: ImageSecretsFact, options: ReplyOptions): void {
  const verdict = secrets.verdict === 'fail' ? ':x:' : secrets.verdict === 'error' ? ':warning:' : ':white_check_mark:';
  b.section(`${verdict} *Secrets in the image* — ${countsLabel(secrets.counts)} (fails on ${secrets.failOn}+, ${secrets.suppressed} suppressed) in ${plural(secrets.files, 'file')}`);
  const triage = latestTriage(thread);
  const shown = secrets.findings.filter((f) => atLeast(f.severity, options.minSeverity ?? 'unknown'));
  const lines = shown.map((f) => imageSecretLine(f, triage.get(f.fingerprint)));
  const more = secrets.findingsTotal - shown.length;
  if (lines.length > 0) b.section(fitLines(more > 0 ? [...lines, `… and ${more} more`] : lines, SLACK_LIMITS.sectionText, (n) => `… and ${more > 0 ? more + n - 1 : n} more`));
  const notes = ['Triage with `portcullis triage set`: a decision covers the secret in every repository and image.'];
  if (secrets.skipped > 0) notes.push(`${plural(secrets.skipped, 'file')} not read (too large or over the scan budget).`);
  b.context(notes);
}

/** `• 🔴 github-pat root/.npmrc:2 (layer sha256:1a2b3c4d5e6f, deleted later) — _authToken=***`, with triage when not open. */
function imageSecretLine(f: ImageSecretFindingFact, triaged: ActionFact | undefined): string {
  const state = triaged?.triageState ?? f.triage;
  const triage = state === 'open' ? (f.suppressed ? ' · _suppressed_' : '') : ` · _${state.replace('_', ' ')}${triaged ? ` by ${inline(triaged.actor.name)}` : ''}_`;
  const where = f.source === 'layer' ? `${f.path}:${f.line}` : f.path;
  const layer = f.layerDigest ? `layer ${shortDigest(f.layerDigest)}${f.deletedLater ? ', deleted later' : ''}` : f.source === 'env' ? 'image config' : '';
  return `• ${SEVERITY_EMOJI[f.severity]} ${code(f.ruleId)} ${code(where)}${layer ? ` (${layer})` : ''} — ${code(f.preview)}${triage}`;
}

/**
 * "Accept for N days", the acceptance lapsing N days after the scan: computed from the event, not
 * the clock, so a redelivered scan renders the very same button. None without a usable scan time.
 */
function acceptButton(thread: ReleaseThread, scan: ScanFact, v: FixableVulnerability, options: ReplyOptions): ButtonSpec | undefined {
  if (options.buttons === false) return undefined;
  const scanned = Date.parse(scan.time);
  if (Number.isNaN(scanned)) return undefined;
  const days = wholeNumber(options.acceptDays, DEFAULT_ACCEPT_DAYS, 1, MAX_ACCEPT_DAYS);
  const until = new Date(scanned + days * DAY_MS).toISOString();
  const value = encodeActionValue(VulnerabilityAcceptValue, {
    vulnerabilityId: v.id,
    repository: repositoryKey(thread.repository),
    until,
    packageName: v.packageName,
    imageDigest: scan.image.digest,
    releaseId: thread.releaseId,
  });
  if (!value) return undefined;
  return {
    text: `Accept for ${plural(days, 'day')}`,
    actionId: VULNERABILITY_ACCEPT_ACTION_ID,
    value,
    confirm: {
      title: `Accept ${v.id}?`,
      text: `${v.id} in ${v.packageName} stops failing the image-scan gate of ${thread.repository.owner}/${thread.repository.name} until ${until.slice(0, 10)}, then counts again. A fix exists: ${v.fixedVersion}.`,
      confirm: 'Accept',
      deny: 'Cancel',
    },
  };
}

/** The newest acceptance of `v` made from this thread that still held when the image was scanned. */
function acceptanceOf(thread: ReleaseThread, v: FixableVulnerability, scanTime: string): ActionFact | undefined {
  const scanned = Date.parse(scanTime);
  return actionsInOrder(thread)
    .filter(
      (a) =>
        a.kind === 'vulnerability.accept' &&
        a.vulnerabilityId === v.id &&
        (a.packageName === undefined || a.packageName === v.packageName) &&
        !(Date.parse(a.until ?? '') <= scanned),
    )
    .at(-1);
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
    // Progress shows on the root message, with its step trail; who approved comes as an action
    // reply. Replies are for what needs reading: why it is blocked, why it failed, where it went back to.
    case 'waiting':
    case 'approved':
    case 'deploying':
    case 'succeeded':
    case 'superseded':
      return undefined;
    case 'blocked': {
      const items = (env.blocking?.items ?? []).map(
        (i) => `• ${i.severity ? `${SEVERITY_EMOJI[i.severity]} ` : ''}${inline(i.gate)} ${code(i.id)} ${code(i.location)}`,
      );
      const counts = env.blocking
        ? `\n${plural(env.blocking.secrets, 'secret')}, ${plural(env.blocking.vulnerabilities, 'vulnerability')}, ${plural(env.blocking.policyViolations, 'policy violation')}${env.blocking.imageTests ? `, ${plural(env.blocking.imageTests, 'image test')}` : ''}`.replace('vulnerabilitys', 'vulnerabilities')
        : '';
      text = withMentions(`:no_entry: ${where} blocked · ${reason}${message}${counts}${items.length > 0 ? `\n${items.join('\n')}` : ''}`, mentions);
      fallback = `${name} blocked`;
      break;
    }
    case 'failed':
      text = withMentions(`:x: ${where} rollout failed · ${reason}${message}`, mentions);
      fallback = `${name} rollout failed`;
      break;
    case 'rolled_back':
      text = withMentions(`:rewind: ${where} rolled back${related ? ` to ${related}` : ''} · ${reason}${message}`, mentions);
      fallback = `${name} rolled back`;
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

/** An option as a whole number within `[min, max]`; the default when absent or not a number. */
function wholeNumber(value: number | undefined, fallback: number, min: number, max: number): number {
  return value === undefined || Number.isNaN(value) ? fallback : Math.min(max, Math.max(min, Math.floor(value)));
}

function withMentions(text: string, mentions: string): string {
  return mentions ? `${text}\n${mentions}` : text;
}
