import { imageDigestKey, type ReleaseState } from '@portcullis/contracts';
import type { EnvironmentFact, ReleaseThread, ScanFact } from '../thread/release-thread.js';
import {
  countsLabel,
  fillTemplate,
  imageLabel,
  inline,
  plural,
  refLabel,
  releaseTitle,
  shortDigest,
  shortRelease,
  shortSha,
  type ReleaseLinks,
} from './format.js';
import { escapeMrkdwn, fitLines, link, MessageBuilder, SLACK_LIMITS, type ButtonSpec, type SlackMessage } from './slack-limits.js';
import { RELEASE_ACTION_IDS, type ReleaseActionValue } from './action-values.js';

const STATE: Record<ReleaseState, { emoji: string; label: string }> = {
  waiting: { emoji: ':hourglass_flowing_sand:', label: 'waiting' },
  blocked: { emoji: ':no_entry:', label: 'blocked' },
  approved: { emoji: ':ballot_box_with_check:', label: 'approved' },
  deploying: { emoji: ':arrows_counterclockwise:', label: 'deploying' },
  succeeded: { emoji: ':white_check_mark:', label: 'deployed' },
  failed: { emoji: ':x:', label: 'failed' },
  rolled_back: { emoji: ':rewind:', label: 'rolled back' },
  superseded: { emoji: ':fast_forward:', label: 'superseded' },
};

/** The status of the whole release, as one emoji and word. */
export function overallStatus(thread: ReleaseThread): { emoji: string; label: string } {
  const states = Object.values(thread.environments).map((e) => e.to);
  const scans = Object.values(thread.scans);
  if (states.includes('failed')) return { emoji: ':x:', label: 'failed' };
  if (states.includes('rolled_back')) return { emoji: ':rewind:', label: 'rolled back' };
  const gateFailed =
    (thread.audit !== undefined && (thread.audit.status === 'failed' || thread.audit.verdict !== 'pass')) ||
    scans.some((s) => s.status === 'failed' || s.verdict !== 'pass');
  if (states.includes('blocked') || gateFailed) return { emoji: ':no_entry:', label: 'blocked' };
  if (states.includes('deploying')) return { emoji: ':arrows_counterclockwise:', label: 'deploying' };
  if (states.length > 0 && states.every((s) => s === 'succeeded' || s === 'superseded')) {
    return { emoji: ':white_check_mark:', label: 'deployed' };
  }
  return { emoji: ':hourglass_flowing_sand:', label: 'in progress' };
}

/**
 * The one root message of a release: title, ref and links, one line per gate (secrets, each
 * image's scan), one section per environment with its state and reason, and the buttons that make
 * sense for that state. Only what the events carried is shown, escaped for mrkdwn.
 */
export function renderRoot(thread: ReleaseThread, links: ReleaseLinks = {}): SlackMessage {
  const status = overallStatus(thread);
  const title = releaseTitle(thread);
  const b = new MessageBuilder();
  // Header blocks are plain text; `emoji: true` still turns the shortcode into the emoji.
  b.header(`${status.emoji} ${title}`);

  const commitUrl = fillTemplate(links.commitUrl, thread);
  const findingsUrl = fillTemplate(links.findingsUrl, thread);
  const builds = Object.values(thread.builds);
  b.context([
    `${status.emoji} *${status.label}*`,
    thread.ref ? `:twisted_rightwards_arrows: ${inline(refLabel(thread.ref))}` : '',
    commitUrl ? `:link: ${link(commitUrl, `commit ${shortSha(thread.sha)}`)}` : `commit ${shortSha(thread.sha)}`,
    thread.commit?.author ? `:bust_in_silhouette: ${inline(thread.commit.author)}` : thread.commit ? `:bust_in_silhouette: pushed by ${inline(thread.commit.pushedBy)}` : '',
    ...builds.flatMap((build) => {
      const label = build.buildId ? `build ${build.buildId}` : `build of ${imageLabel(build.image)}`;
      const built = build.buildUrl ? link(build.buildUrl, label) : undefined;
      return built ? [`:hammer_and_wrench: ${built}`] : [];
    }),
    findingsUrl ? `:mag: ${link(findingsUrl, 'findings')}` : '',
  ]);

  if (thread.commit?.title) b.context([`:memo: ${inline(thread.commit.title)}`]);
  b.section(gatesText(thread, findingsUrl));

  for (const [name, env] of Object.entries(thread.environments).sort(([x], [y]) => (x < y ? -1 : 1))) {
    b.section(environmentText(name, env), { blockId: `env:${name}` });
    const trail = trailText(env);
    if (trail) b.context([trail]);
    b.actions(environmentButtons(thread.releaseId, name, env), `actions:${name}`);
  }

  // `text` is mrkdwn too: a branch may be named `<!channel>`, so the fallback is escaped as a whole.
  return b.build(escapeMrkdwn(`${title}${thread.ref ? ` (${refLabel(thread.ref)})` : ''}: ${status.label}${fallbackDetail(thread)}`));
}

function gatesText(thread: ReleaseThread, findingsUrl: string | undefined): string {
  const lines = [secretsLine(thread, findingsUrl)];
  const images = imagesOf(thread);
  if (images.length === 0) lines.push(':hourglass_flowing_sand: *image-scan* — waiting for a build');
  for (const key of images) lines.push(scanLine(key, thread));
  return fitLines(lines, SLACK_LIMITS.sectionText, (n) => `… and ${plural(n, 'more image')}`);
}

function secretsLine(thread: ReleaseThread, findingsUrl: string | undefined): string {
  const audit = thread.audit;
  if (!audit) return ':hourglass_flowing_sand: *secrets* — audit pending';
  if (audit.status === 'failed') return `:warning: *secrets* — could not audit: ${inline(audit.code)}`;
  const skipped = audit.skipped > 0 ? ` · ${audit.skipsTruncated ? `${audit.skipped}+ files` : plural(audit.skipped, 'file')} not scanned` : '';
  const scope = ` (${plural(audit.commits, 'commit')}, ${plural(audit.files, 'file')}${skipped})`;
  if (audit.verdict === 'pass') {
    return `:white_check_mark: *secrets* — passed${audit.findingsTotal > 0 ? `, ${countsLabel(audit.counts)} below ${audit.failOn}` : ''}${scope}`;
  }
  const more = findingsUrl ? ` ${link(findingsUrl, 'see findings')}` : '';
  const emoji = audit.verdict === 'error' ? ':warning:' : ':x:';
  return `${emoji} *secrets* — ${audit.verdict === 'error' ? 'policy error' : 'failed'}: ${countsLabel(audit.counts)} (fails on ${audit.failOn}+)${scope}${more}`;
}

/** Digest keys of every image the release is known to have: built, scanned or deployed. */
function imagesOf(thread: ReleaseThread): string[] {
  const keys = new Set([...Object.keys(thread.builds), ...Object.keys(thread.scans)]);
  for (const env of Object.values(thread.environments)) {
    for (const image of env.images) keys.add(imageDigestKey(image));
  }
  return [...keys].sort();
}

function scanLine(key: string, thread: ReleaseThread): string {
  const scan: ScanFact | undefined = thread.scans[key];
  const image = scan?.image ?? thread.builds[key]?.image ?? Object.values(thread.environments).flatMap((e) => e.images).find((i) => imageDigestKey(i) === key);
  const label = image ? `${inline(imageLabel(image))} \`${shortDigest(image.digest)}\`` : inline(key);
  if (!scan) return `:hourglass_flowing_sand: *image-scan* ${label} — scan pending`;
  if (scan.status === 'failed') return `:warning: *image-scan* ${label} — could not scan: ${inline(scan.code)}`;
  const counts = countsLabel(scan.counts);
  if (scan.verdict === 'pass') return `:white_check_mark: *image-scan* ${label} — passed (${counts})`;
  const emoji = scan.verdict === 'error' ? ':warning:' : ':x:';
  return `${emoji} *image-scan* ${label} — ${scan.verdict === 'error' ? 'policy error' : 'failed'}: ${counts} (fails on ${scan.failOn}+)`;
}

function environmentText(name: string, env: EnvironmentFact): string {
  const state = STATE[env.to];
  const waiting = env.to === 'waiting' && env.waitingFor && env.waitingFor.length > 0 ? ` for ${env.waitingFor.join(', ')}` : '';
  const related = env.relatedReleaseId ? ` → ${inline(shortRelease(env.relatedReleaseId))}` : '';
  const head = `${state.emoji} *${inline(name)}* — ${state.label}${waiting}${related} · \`${inline(env.reason)}\` (${env.strategy})`;
  return env.message ? `${head}\n${inline(env.message)}` : head;
}

/**
 * The rollout's steps in place (`waiting 10:01 → approved 10:02 → deploying (PreviewReady) 10:02 →
 * deployed 10:04`), each time shown in the reader's own time zone by Slack: progress lives on the
 * root, so replies are kept for what needs reading (findings, failures, rollbacks, decisions).
 */
function trailText(env: EnvironmentFact): string | undefined {
  const steps = env.trail ?? [];
  if (steps.length < 2) return undefined;
  return steps
    .map((step) => {
      const reason = step.to === 'deploying' ? ` (${inline(step.reason)})` : '';
      return `${STATE[step.to].label}${reason} ${slackTime(step.at)}`;
    })
    .join(' → ');
}

/** `<!date^…^{time}|10:04 UTC>`: Slack renders it in the reader's time zone; the fallback is UTC. */
function slackTime(at: string): string {
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return '';
  return `<!date^${Math.floor(ms / 1000)}^{time}|${new Date(ms).toISOString().slice(11, 16)} UTC>`;
}

/** Buttons that make sense in this state; the orchestrator still decides whether the command applies. */
export function environmentButtons(releaseId: string, environment: string, env: EnvironmentFact): ButtonSpec[] {
  const value = JSON.stringify({ releaseId, environment } satisfies ReleaseActionValue);
  const buttons: ButtonSpec[] = [];
  if (env.to === 'waiting' && env.waitingFor?.includes('approval')) {
    buttons.push({ text: `Approve ${environment}`, actionId: RELEASE_ACTION_IDS.approve, value, style: 'primary' });
  }
  if (env.to === 'deploying' && env.strategy === 'blue-green') {
    buttons.push({ text: `Promote ${environment}`, actionId: RELEASE_ACTION_IDS.promote, value, style: 'primary' });
  }
  if (env.to === 'deploying' || env.to === 'succeeded' || env.to === 'failed') {
    buttons.push({
      text: `Roll back ${environment}`,
      actionId: RELEASE_ACTION_IDS.rollback,
      value,
      style: 'danger',
      confirm: {
        title: `Roll back ${environment}?`,
        text: `Traffic in ${environment} goes back to the last good release, and this release is quarantined.`,
        confirm: 'Roll back',
        deny: 'Cancel',
      },
    });
  }
  return buttons;
}

function fallbackDetail(thread: ReleaseThread): string {
  const envs = Object.entries(thread.environments)
    .sort(([x], [y]) => (x < y ? -1 : 1))
    .map(([name, env]) => `${name} ${STATE[env.to].label}`);
  return envs.length > 0 ? ` — ${envs.join(', ')}` : '';
}
