import { type AuditFact, type DependencyFact } from '../thread/release-thread.js';
import { countsLabel, inline, plural, SEVERITY_EMOJI } from './format.js';
import { code, escapeMrkdwn, fitLines, MessageBuilder, SLACK_LIMITS, type SlackMessage } from './slack-limits.js';

/** Reply key of an audit's dependency findings. */
export const dependenciesReplyKey = (audit: AuditFact) => `dependencies:${audit.eventId}`;

/**
 * The lockfile advisories of an audit, as their own thread reply: informational (the audit's
 * verdict is the secrets gate), so it mentions no one. Nothing when the push changed no lockfile,
 * or every changed lockfile was read and is clean.
 */
export function dependenciesReply(audit: AuditFact): (SlackMessage & { key: string }) | undefined {
  if (audit.status !== 'completed' || !audit.dependencies) return undefined;
  const deps = audit.dependencies;
  const total = sum(deps.counts);
  if (total === 0 && deps.errorsTotal === 0) return undefined;

  const b = new MessageBuilder();
  const fixable = sum(deps.fixableCounts);
  const found = total === 0 ? 'no known advisories' : `${countsLabel(deps.counts)} (${fixable} fixable)`;
  b.section(`:package: *Dependency audit* — ${found} in ${plural(deps.files, 'changed lockfile')}`);
  const lines = deps.vulnerabilities.map(vulnerabilityLine);
  const more = total - lines.length;
  if (lines.length > 0) {
    b.section(fitLines(more > 0 ? [...lines, `… and ${more} more`] : lines, SLACK_LIMITS.sectionText, (n) => `… and ${more > 0 ? more + n - 1 : n} more`));
  }
  if (deps.errorsTotal > 0) {
    const listed = deps.errors.map((e) => `${code(e.path)} (${escapeMrkdwn(e.code)})`).join(', ');
    const rest = deps.errorsTotal - deps.errors.length;
    b.context([`Not read: ${listed}${rest > 0 ? ` and ${rest} more` : ''}.`]);
  }
  b.context(['Pinned versions matched at push time against the image scanner’s vulnerability database; does not change the secrets gate.']);
  return { key: dependenciesReplyKey(audit), ...b.build(`Dependency audit: ${total === 0 ? 'no known advisories' : countsLabel(deps.counts)}`) };
}

function vulnerabilityLine(v: DependencyFact['vulnerabilities'][number]): string {
  const fix = v.fixedVersion !== undefined ? ` → ${inline(v.fixedVersion)}` : ' (no fix yet)';
  return `${SEVERITY_EMOJI[v.severity]} ${code(v.id)} ${inline(v.packageName)} ${inline(v.version)}${fix} — ${code(v.path)}`;
}

function sum(counts: DependencyFact['counts']): number {
  return counts.critical + counts.high + counts.medium + counts.low + counts.unknown;
}
