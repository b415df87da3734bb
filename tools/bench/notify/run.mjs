#!/usr/bin/env node
// Notifier benchmark: a storm of release events (audit, build, scan, deploy transitions, operator
// commands) for many repositories routed to many Slack channels, through --instances
// apps/notifier processes against the local Slack stand-in (per-channel 429 + Retry-After, every
// call and message version recorded). Slack calls made vs the naive one message per event, time to
// drain, per-channel call rate, duplicates and losses; the naive baseline's drain time at
// 1 message per channel per second is computed from the same events' per-channel arrivals.
//   npx tsc -b apps/notifier/tsconfig.lib.json
//   set -a; . .stack/env; set +a
//   node tools/bench/notify/run.mjs [--events 10000] [--repos 200] [--channels 50] [--instances 1] [--json]
// Kafka through @portcullis/messaging, the expected Slack messages through @portcullis/notify
// (the same fold and rendering the service runs), the processes and the Slack stand-in through
// @portcullis/testing's built dist.
import {
  allTopicSpecs,
  AuditResults,
  DeployEvents,
  exampleAuditCompleted,
  exampleAuditFinding,
  exampleFindingTriage,
  exampleRegistryBuildAnnounced,
  exampleReleaseApprove,
  exampleReleaseRollback,
  exampleReleaseTransition,
  exampleScanCompleted,
  OperatorCommands,
  RegistryEvents,
  releaseIdOf,
  ScanResults,
} from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, silentLogger } from '@portcullis/messaging';
import { foldEvents, renderReplies, renderRoot } from '@portcullis/notify';
import { seededRandom as prng } from '@portcullis/pipeline';
import { startServiceProcess } from '@portcullis/testing';
import { startFakeSlack } from '@portcullis/testing/saas';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, machineInfo, markdownTable, progressLog, retrying as retryingWith, sleep, stats } from '../bench-lib.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const MAIN = join(ROOT, 'apps/notifier/dist/main.js');

const HELP = `Notifier benchmark (apps/notifier vs one Slack message per event, same events, same run).

Usage: node tools/bench/notify/run.mjs [options]
  (build first: npx tsc -b apps/notifier/tsconfig.lib.json;
   needs the local stack: tools/stack/stack up; set -a; . .stack/env; set +a -> KAFKA_BROKERS, REDIS_URL)

Options:
  --events N        release events published (default 10000)
  --repos R         repositories (default 200); each gets several releases
  --channels C      Slack channels the repositories are routed to, round-robin (default 50)
  --instances I     notifier processes in one consumer group (default 1)
  --rate E          events per second to publish at (default 0 = as fast as the publisher goes)
  --quick           smoke run: --events 600 --repos 20 --channels 5 (explicit flags still win)
  --seed S          seed of the event mix (default 1)
  --slack-rate P    the stand-in's per-channel allowance, calls per second (default 1, burst 3, as Slack)
  --quiet S         drained = every release final and no Slack call for S seconds (default 5)
  --stall S         give up when releases are still not final and no Slack call came for S seconds (default 60)
  --timeout S       give up waiting for the drain after S seconds (default 900)
  --keep            keep topics and consumer groups (Redis keys expire after 1 h either way)
  --json            print only the JSON summary on stdout (default: tables on stderr, JSON on stdout)
  --out FILE        also write the JSON summary to FILE
  --service-log F   write the notifiers' output to F (F.0, F.1, …)
  -h, --help        this text

Each release (repository@sha) gets a realistic sequence: staging waiting (audit pending), the
audit (75 % clean, 15 % low findings, 10 % failing on a high finding), the build, waiting (scan
pending), the scan (88 % clean, 12 % failing on a fixable critical); then blocked (a gate failed;
half of the failed audits get a finding.triage), or approved → deploying → succeeded (8 % fail and
roll back); 30 % of the succeeded ones go on to production: waiting for approval, release.approve,
approved → deploying → succeeded (10 % rolled back after a release.rollback). Events of one
release keep their order; all releases are in flight at once (waves), as in an incident storm.

Measured:
  calls             Slack calls (chat.postMessage roots and replies, chat.update) vs the naive one
                    message per event (= events)                      target >= 80 % fewer
  floor             one root per release + one message per expected reply (replies waiting
                    together may share a thread message, so the notifier can go below it)
  drain             first publish -> the last call that Slack needed (every release's root shows
                    its final state, every reply posted, then no call for --quiet s)
  naive drain       one message per event at 1 per channel per second, queued from the same
                    publish times (max over channels)
  per channel       sustained: the steady rate, the least-squares slope of call number over time
                    (calls / s), max over channels                      target <= 1/s
                    also calls / active span (first to last call, >= 10 s; includes the
                    bucket's initial burst), the busiest 60 s, and the most calls in any 10 s and
                    1 s window (Slack allows 1/s with short bursts)
  429s              calls the stand-in answered 429 (Retry-After)
  duplicates        releases with more than one root message, replies posted more than once  (must be 0)
  losses            releases whose last root version is not the rendering of all their events,
                    or with an expected reply missing (must be 0)
Exit 1 when duplicates or losses > 0, or the drain timed out or stalled (see --stall).`;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string' },
    repos: { type: 'string' },
    channels: { type: 'string' },
    instances: { type: 'string', default: '1' },
    rate: { type: 'string', default: '0' },
    quick: { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    'slack-rate': { type: 'string', default: '1' },
    quiet: { type: 'string', default: '5' },
    stall: { type: 'string', default: '60' },
    timeout: { type: 'string', default: '900' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    'service-log': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (args.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const EVENTS = Number(args.events ?? (args.quick ? 600 : 10_000));
const REPOS = Number(args.repos ?? (args.quick ? 20 : 200));
const CHANNELS = Number(args.channels ?? (args.quick ? 5 : 50));
const INSTANCES = Number(args.instances);
const RATE = Number(args.rate);
const SEED = Number(args.seed);
const SLACK_RATE = Number(args['slack-rate']);
const QUIET_MS = Number(args.quiet) * 1000;
/** The notifiers' allowance per channel, their defaults: SLACK_CHANNEL_RATE_PER_SECOND 1, SLACK_CHANNEL_BURST 2. */
const NOTIFIER_BURST = 2;
const STALL_MS = Number(args.stall) * 1000;
const TIMEOUT_MS = Number(args.timeout) * 1000;
for (const [name, v] of Object.entries({ EVENTS, REPOS, CHANNELS, INSTANCES, SEED })) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name.toLowerCase()} must be a positive integer`);
}
for (const [name, v] of Object.entries({ RATE, SLACK_RATE, QUIET_MS, STALL_MS, TIMEOUT_MS })) {
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name.toLowerCase().replace('_ms', '')} must be a non-negative number`);
}
if (CHANNELS > REPOS) throw new Error('--channels must not exceed --repos');
if (CHANNELS > 999) throw new Error('--channels must be at most 999');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} not set: run tools/stack/stack up and set -a; . .stack/env; set +a`);
  return v;
};
const BROKERS = env('KAFKA_BROKERS').split(',').filter(Boolean);
const REDIS_URL = env('REDIS_URL');

const RUN_ID = `bench-notify-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const PREFIX = `${RUN_ID}-`;
const OWNER = RUN_ID;
const LINKS = { commitUrl: 'https://git.example.com/{owner}/{name}/commit/{sha}', findingsUrl: 'https://portcullis.example.com/releases/{releaseId}' };
const SLACK_METHODS = new Set(['chat.postMessage', 'chat.update']);
const ZERO = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
const PEOPLE = [
  { source: 'slack', id: 'U0DANA', name: 'Dana Ops' },
  { source: 'slack', id: 'U0RAVI', name: 'Ravi' },
  { source: 'cli', id: 'mei', name: 'Mei Chen' },
  { source: 'api', id: 'token:release-bot', name: 'release-bot' },
];

const progress = progressLog('notify-bench');
const retrying = (what, fn, ms = 60_000) => retryingWith(what, fn, { ms, log: progress });

// ---------------------------------------------------------------- statistics

/** Most timestamps (ms, sorted) inside any window of `windowMs`. */
function maxInWindow(sortedTimes, windowMs) {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sortedTimes.length; hi += 1) {
    while (sortedTimes[hi] - sortedTimes[lo] >= windowMs) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * Steady call rate of a channel: the least-squares slope of call number over time (calls / s).
 * Unlike calls / span it does not count the bucket's initial burst as rate.
 */
function slopePerSecond(sortedTimes) {
  const n = sortedTimes.length;
  const mt = sortedTimes.reduce((a, t) => a + t, 0) / n;
  const mk = (n - 1) / 2;
  let num = 0;
  let den = 0;
  sortedTimes.forEach((t, k) => {
    num += (t - mt) * (k - mk);
    den += (t - mt) ** 2;
  });
  return den > 0 ? (1000 * num) / den : null;
}

// ---------------------------------------------------------------- the event mix

const channelId = (c) => `C0BENCH${String(c).padStart(3, '0')}`;
const channelGlob = (c) => `c${String(c).padStart(3, '0')}-*`;

/**
 * Releases until EVENTS events (the last one cut short), repositories round-robin so each gets
 * several releases, repository r routed to channel r mod CHANNELS.
 */
function buildPlan() {
  const rand = prng(SEED);
  const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const repos = Array.from({ length: REPOS }, (_, r) => ({
    repository: { provider: 'github', owner: OWNER, name: `c${String(r % CHANNELS).padStart(3, '0')}-svc-${r}` },
    channel: channelId(r % CHANNELS),
    releases: [],
  }));
  const releases = [];
  let total = 0;
  const epoch = Date.UTC(2026, 0, 15, 9, 0, 0);
  for (let i = 0; total < EVENTS; i += 1) {
    const repo = repos[i % REPOS];
    const { repository } = repo;
    // The first 7 hex digits are the release's index: unique titles (`owner/name@sha7`) in Slack.
    const sha = `${i.toString(16).padStart(7, '0')}${hex(33)}`;
    const releaseId = releaseIdOf(repository, sha);
    const previous = repo.releases.at(-1);
    const image = { registry: 'registry.example.com', repository: `${repository.owner}/${repository.name}`, tag: `1.${repo.releases.length}.0`, digest: `sha256:${hex(64)}` };
    const events = [];
    let clock = epoch + i * 60_000;
    const tick = () => new Date((clock += 1_000)).toISOString();
    const push = (topic, suffix, body) => events.push({ topic, id: `${releaseId}#${suffix}`, time: tick(), body });
    const seqs = {};
    const transition = (environment, to, reason, message, extra = {}) => {
      const sequence = (seqs[environment] ?? 0) + 1;
      const from = seqs[`${environment}:state`] ?? null;
      seqs[environment] = sequence;
      seqs[`${environment}:state`] = to;
      const observedAt = new Date(clock + 1_000).toISOString();
      const body = exampleReleaseTransition({
        releaseId,
        repository,
        environment,
        sequence,
        from,
        to,
        reason,
        message,
        strategy: environment === 'production' ? 'blue-green' : 'rolling',
        images: [image],
        observedAt,
        blocking: undefined,
        ...extra,
      });
      if (body.blocking === undefined) delete body.blocking;
      push(DeployEvents, `deploy-${environment}-${sequence}`, body);
    };
    const roll = () => rand();

    const auditKind = ((r) => (r < 0.75 ? 'clean' : r < 0.9 ? 'low' : 'fail'))(roll());
    const scanKind = roll() < 0.88 ? 'clean' : 'fail';
    const blocked = auditKind === 'fail' || scanKind === 'fail';
    const stagingFails = !blocked && roll() < 0.08;
    const production = !blocked && !stagingFails && roll() < 0.3;
    const productionRollback = production && roll() < 0.1;
    const triage = auditKind === 'fail' && roll() < 0.5;

    transition('staging', 'waiting', 'WaitingForAudit', `waiting for the secret audit; waiting for a build of ${image.repository}`, { waitingFor: ['secrets', 'image-scan'] });
    const findings =
      auditKind === 'clean'
        ? []
        : auditKind === 'low'
          ? Array.from({ length: 1 + Math.floor(roll() * 3) }, (_, k) =>
              exampleAuditFinding({ ruleId: pick(['generic-api-key', 'jwt', 'slack-webhook-url']), severity: 'low', fingerprint: hex(64), preview: 'key = "AKIA****************"', path: `config/env-${k}.ts`, line: 3 + k, commit: sha, author: pick(PEOPLE).name }),
            )
          : [exampleAuditFinding({ fingerprint: hex(64), commit: sha, path: `src/${repository.name}/client.ts`, line: 12 + Math.floor(roll() * 200), author: pick(PEOPLE).name })];
    const counts = { ...ZERO };
    for (const f of findings) counts[f.severity] += 1;
    push(
      AuditResults,
      'audit',
      exampleAuditCompleted({
        releaseId,
        repository,
        range: { before: previous?.sha ?? '0'.repeat(40), after: sha },
        verdict: auditKind === 'fail' ? 'fail' : 'pass',
        findings,
        counts,
        skips: [],
        stats: { commits: 1 + Math.floor(roll() * 5), files: 1 + Math.floor(roll() * 40), durationMs: 50 + Math.floor(roll() * 500) },
      }),
    );
    push(RegistryEvents, 'build', exampleRegistryBuildAnnounced({ deliveryId: `build-${i}`, repository, commit: sha, image, buildId: String(1000 + i), buildUrl: `https://ci.example.com/${repository.name}/builds/${1000 + i}` }));
    transition('staging', 'waiting', 'WaitingForScan', `waiting for the scan of ${image.registry}/${image.repository}@${image.digest}`, { waitingFor: ['image-scan'] });
    push(
      ScanResults,
      'scan',
      scanKind === 'clean'
        ? exampleScanCompleted({ releaseId, repository, image, verdict: 'pass', counts: { ...ZERO }, vulnerabilities: [], packageCount: 100 + Math.floor(roll() * 300) })
        : exampleScanCompleted({ releaseId, repository, image, packageCount: 100 + Math.floor(roll() * 300) }),
    );
    if (blocked) {
      const items = [
        ...(auditKind === 'fail' ? [{ gate: 'secrets', id: findings[0].ruleId, severity: 'high', location: `${findings[0].path}:${findings[0].line}` }] : []),
        ...(scanKind === 'fail' ? [{ gate: 'image-scan', id: 'CVE-2024-3094', severity: 'critical', location: `${image.registry}/${image.repository}@${image.digest}` }] : []),
      ];
      transition('staging', 'blocked', 'GateBlocked', 'A gate failed; fix or triage the findings to release.', {
        blocking: { secrets: auditKind === 'fail' ? 1 : 0, vulnerabilities: scanKind === 'fail' ? 1 : 0, policyViolations: 0, items },
      });
      if (triage) {
        push(OperatorCommands, 'triage', exampleFindingTriage({ requestId: `bench-${i}-triage`, actor: pick(PEOPLE), repository, releaseId, fingerprint: findings[0].fingerprint, state: 'rotated', reason: 'Token revoked and replaced' }));
      }
    } else {
      transition('staging', 'approved', 'Approved', 'All gates passed.');
      transition('staging', 'deploying', 'RolloutStarted', `Rolling out ${image.repository}:${image.tag}.`);
      if (stagingFails) {
        transition('staging', 'failed', 'ProgressDeadlineExceeded', 'The rollout made no progress for 600 s.');
        transition('staging', 'rolled_back', 'AutomaticRollback', 'Traffic went back to the last good release.', previous ? { relatedReleaseId: previous.releaseId } : {});
      } else {
        transition('staging', 'succeeded', 'RolloutComplete', 'All replicas updated and ready.');
      }
      if (production) {
        transition('production', 'waiting', 'WaitingForApproval', 'waiting for approval to deploy to production', { waitingFor: ['approval'] });
        const approver = pick(PEOPLE);
        push(OperatorCommands, 'approve', exampleReleaseApprove({ requestId: `bench-${i}-approve`, actor: approver, repository, releaseId, environment: 'production', comment: `Change ${1000 + i}` }));
        transition('production', 'approved', 'Approved', `Approved by ${approver.name}.`);
        transition('production', 'deploying', 'RolloutStarted', `Blue-green rollout of ${image.repository}:${image.tag}.`);
        transition('production', 'succeeded', 'RolloutComplete', 'Traffic switched to the new slot.');
        if (productionRollback) {
          push(OperatorCommands, 'rollback', exampleReleaseRollback({ requestId: `bench-${i}-rollback`, actor: pick(PEOPLE), repository, releaseId, environment: 'production', reason: 'Error rate doubled after the switch' }));
          transition('production', 'rolled_back', 'RollbackRequested', 'Traffic went back to the previous slot.', previous ? { relatedReleaseId: previous.releaseId } : {});
        }
      }
    }
    const cut = events.slice(0, Math.min(events.length, EVENTS - total));
    total += cut.length;
    const release = { index: i, releaseId, sha, repository, channel: repo.channel, title: `${repository.owner}/${repository.name}@${sha.slice(0, 7)}`, events: cut, scenario: { auditKind, scanKind, blocked, stagingFails, production, productionRollback, triage } };
    repo.releases.push(release);
    releases.push(release);
  }
  for (const r of releases) {
    // What Slack should end with: the fold of every event, rendered as the service renders it, and
    // each reply the steps warrant (by key, once), in the order the events were published.
    const threadEvents = r.events.map((e) => ({ id: e.id, time: e.time, body: e.body }));
    const thread = foldEvents(threadEvents);
    const root = renderRoot(thread, LINKS);
    r.expectedRoot = { text: root.text, blocks: JSON.stringify(root.blocks) };
    r.expectedState = Object.fromEntries(Object.entries(thread.environments).map(([name, e]) => [name, e.to]));
    const keys = new Set();
    const replies = [];
    let before;
    for (const e of threadEvents) {
      const next = foldEvents([e], before);
      if (next !== before) {
        for (const reply of renderReplies(before, next, { minSeverity: 'unknown', mentions: [] })) {
          if (keys.has(reply.key)) continue;
          keys.add(reply.key);
          replies.push(reply.text);
        }
      }
      before = next;
    }
    r.expectedReplies = replies;
  }
  return { releases, repos };
}

function routingYaml(repos) {
  const lines = ['# written by tools/bench/notify/run.mjs', `defaultChannel: C0BENCHDEFAULT`, 'routes:'];
  for (let c = 0; c < CHANNELS; c += 1) lines.push(`  - repositories: "github/${OWNER}/${channelGlob(c)}"`, `    channels: [${channelId(c)}]`);
  if (repos.some((r) => !r.repository.name.startsWith('c'))) throw new Error('unexpected repository name');
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- Slack's view

/**
 * What the stand-in holds, per release: its root messages (any channel), whether the last version
 * of the root is the expected rendering, and its replies against the expected ones.
 */
function inspect(slack, plan) {
  const byTitle = new Map(plan.releases.map((r) => [r.title, r]));
  const roots = new Map();
  const repliesOf = new Map();
  let foreignRoots = 0;
  for (const messages of slack.messages.values()) {
    const rootsHere = new Map();
    for (const m of messages.values()) {
      if (m.threadTs !== undefined) continue;
      const text = m.edits[0]?.text ?? m.text ?? '';
      const title = /^([^\s@]+@[0-9a-f]{7})/.exec(text)?.[1];
      const release = title ? byTitle.get(title) : undefined;
      if (!release) {
        foreignRoots += 1;
        continue;
      }
      rootsHere.set(m.ts, release);
      const list = roots.get(release.releaseId) ?? [];
      list.push(m);
      roots.set(release.releaseId, list);
    }
    for (const m of messages.values()) {
      if (m.threadTs === undefined) continue;
      const release = rootsHere.get(m.threadTs);
      if (!release) continue;
      const list = repliesOf.get(release.releaseId) ?? [];
      list.push(m);
      repliesOf.set(release.releaseId, list);
    }
  }
  const result = { complete: 0, duplicateRoots: [], duplicateReplies: [], missingRoot: [], wrongChannel: [], staleRoot: [], missingReplies: [], foreignRoots, lastWriteAt: 0 };
  for (const r of plan.releases) {
    const list = roots.get(r.releaseId) ?? [];
    let ok = true;
    if (list.length === 0) {
      result.missingRoot.push(r.releaseId);
      ok = false;
    }
    if (list.length > 1) {
      result.duplicateRoots.push({ releaseId: r.releaseId, roots: list.length });
      ok = false;
    }
    const root = list[0];
    if (root && root.channel !== r.channel) {
      result.wrongChannel.push({ releaseId: r.releaseId, channel: root.channel, expected: r.channel });
      ok = false;
    }
    if (root && (root.text !== r.expectedRoot.text || JSON.stringify(root.blocks) !== r.expectedRoot.blocks)) {
      result.staleRoot.push({ releaseId: r.releaseId, shows: root.text, expected: r.expectedRoot.text });
      ok = false;
    }
    if (root) result.lastWriteAt = Math.max(result.lastWriteAt, root.edits.length > 0 ? root.edits.at(-1).at : tsMs(root.ts));
    const got = new Map();
    for (const m of repliesOf.get(r.releaseId) ?? []) {
      // Replies waiting together may go out as one thread message: its fallback text is theirs, one per line.
      for (const text of (m.text ?? '').split('\n')) got.set(text, (got.get(text) ?? 0) + 1);
      result.lastWriteAt = Math.max(result.lastWriteAt, tsMs(m.ts));
    }
    const want = new Map();
    for (const t of r.expectedReplies) want.set(t, (want.get(t) ?? 0) + 1);
    for (const [text, n] of want) {
      if ((got.get(text) ?? 0) < n) {
        result.missingReplies.push({ releaseId: r.releaseId, reply: text, expected: n, got: got.get(text) ?? 0 });
        ok = false;
      }
    }
    for (const [text, n] of got) {
      if (n > (want.get(text) ?? 0)) {
        // More copies than expected: posted twice (or a reply nobody expected).
        result.duplicateReplies.push({ releaseId: r.releaseId, reply: text, expected: want.get(text) ?? 0, got: n });
        ok = false;
      }
    }
    if (ok) result.complete += 1;
  }
  return result;
}

/** What a reply is about, from its fallback text (for the breakdown of the call floor). */
function replyKind(text) {
  const m = /^(?:staging|production) (deploying|deployed|blocked|rolled back|rollout failed|superseded)$/.exec(text);
  if (m) return `deploy: ${m[1]}`;
  if (text.startsWith('Secrets gate') || text.startsWith('Secret audit')) return 'audit';
  if (text.startsWith('Image scan')) return 'scan';
  const action = /: (release\.\w+|finding\.triage|vulnerability\.accept)/.exec(text);
  return action ? `action: ${action[1]}` : 'other';
}

/** A Slack ts (`seconds.micros`) in ms. */
const tsMs = (ts) => Number(ts.split('.')[0]) * 1000 + Math.floor(Number(ts.split('.')[1]) / 1000);

function callStats(slack, t0, endAt) {
  const calls = slack.calls.filter((c) => SLACK_METHODS.has(c.method));
  const byMethod = {};
  const perChannel = new Map();
  for (const c of calls) {
    const isReply = c.method === 'chat.postMessage' && c.params.thread_ts !== undefined && c.params.thread_ts !== '';
    const kind = c.method === 'chat.update' ? 'chat.update' : isReply ? 'chat.postMessage (reply)' : 'chat.postMessage (root)';
    const outcome = c.status === 429 ? '429' : c.response?.ok === true ? 'ok' : `error:${c.response?.error ?? c.status}`;
    byMethod[kind] ??= {};
    byMethod[kind][outcome] = (byMethod[kind][outcome] ?? 0) + 1;
    const ch = String(c.params.channel);
    const list = perChannel.get(ch) ?? [];
    list.push(c.at);
    perChannel.set(ch, list);
  }
  const channels = [...perChannel].map(([channel, times]) => {
    times.sort((a, b) => a - b);
    const span = Math.max(10_000, times.at(-1) - times[0]);
    const max60s = maxInWindow(times, 60_000);
    const slope = times.length >= 10 ? slopePerSecond(times) : null;
    // Sustained: the busiest minute when the channel was busy for one; else the whole active span.
    const sustained = span >= 60_000 ? max60s / 60 : times.length / (span / 1000);
    // The notifier's bucket admits at most NOTIFIER_BURST + 1/s × t calls in any span t: beyond its burst, the rate over the active span.
    const beyondBurst = times.length > NOTIFIER_BURST ? (times.length - NOTIFIER_BURST) / (Math.max(1, times.at(-1) - times[0]) / 1000) : 0;
    return { channel, calls: times.length, beyondBurst, activeS: (times.at(-1) - times[0]) / 1000, perSecondActive: times.length / (span / 1000), perSecondDrain: times.length / Math.max(1, (endAt - t0) / 1000), slope, sustained, max10s: maxInWindow(times, 10_000), max1s: maxInWindow(times, 1_000), max60s };
  });
  const ok = calls.filter((c) => c.status !== 429 && c.response?.ok === true).length;
  return {
    attempts: calls.length,
    ok,
    rateLimited: calls.filter((c) => c.status === 429).length,
    errors: calls.filter((c) => c.status !== 429 && c.response?.ok !== true).length,
    otherMethods: slack.calls.filter((c) => !SLACK_METHODS.has(c.method)).length,
    byMethod,
    channels,
    perChannel: {
      slopeMax: Math.max(0, ...channels.map((c) => c.slope ?? 0)),
      beyondBurstMax: Math.max(0, ...channels.map((c) => c.beyondBurst)),
      sustainedMax: Math.max(0, ...channels.map((c) => c.sustained)),
      perSecondActiveMax: Math.max(0, ...channels.map((c) => c.perSecondActive)),
      perSecondDrainMax: Math.max(0, ...channels.map((c) => c.perSecondDrain)),
      max10sWindow: Math.max(0, ...channels.map((c) => c.max10s)),
      max1sWindow: Math.max(0, ...channels.map((c) => c.max1s)),
      max60sWindow: Math.max(0, ...channels.map((c) => c.max60s)),
      callsPerChannel: stats(channels.map((c) => c.calls)),
    },
  };
}

/** One message per event at `perSecond` per channel, queued from the events' publish times: when the last one is out. */
function naiveDrain(plan, t0, perSecond) {
  const arrivals = new Map();
  for (const r of plan.releases) {
    const list = arrivals.get(r.channel) ?? [];
    for (const e of r.events) list.push(e.publishedAt);
    arrivals.set(r.channel, list);
  }
  let end = t0;
  const perChannel = [];
  for (const [channel, times] of arrivals) {
    times.sort((a, b) => a - b);
    let free = -Infinity;
    for (const t of times) free = Math.max(t, free + 1000 / perSecond);
    end = Math.max(end, free);
    perChannel.push({ channel, events: times.length });
  }
  return { drainMs: end - t0, eventsPerChannel: stats(perChannel.map((c) => c.events)) };
}

// ---------------------------------------------------------------- processes and Kafka

const services = [];
let kafka;
let publisher;
let slack;
let workDir;

async function startKafka() {
  kafka = createKafkaClient({ brokers: BROKERS, clientId: 'notify-bench', topicPrefix: PREFIX }, silentLogger);
  await retrying('ensureTopics', async () => {
    const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: PREFIX, logger: silentLogger });
    if (report.created.length + report.grown.length > 0) throw new Error(`created ${report.created.length} topics, checking again`);
  });
  publisher = new EventPublisher(kafka, { source: '/portcullis/bench/notify', topicPrefix: PREFIX, logger: silentLogger });
  await publisher.connect();
}

async function startNotifiers(routingFile) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} missing: build first (npx tsc -b apps/notifier/tsconfig.lib.json)`);
  for (let i = 0; i < INSTANCES; i += 1) {
    const service = await startServiceProcess('notifier', {
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: PREFIX,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      PORT: '0',
      HOST: '127.0.0.1',
      SERVICE_INSTANCE_ID: `${RUN_ID}-${i}`,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_API_URL: slack.url,
      NOTIFY_ROUTING_FILE: routingFile,
      NOTIFY_LINK_COMMIT_URL: LINKS.commitUrl,
      NOTIFY_LINK_FINDINGS_URL: LINKS.findingsUrl,
      NOTIFY_THREAD_TTL: '1h',
      SLACK_CHANNEL_RATE_PER_SECOND: '1',
      SLACK_CHANNEL_BURST: String(NOTIFIER_BURST),
    });
    services.push(service);
    progress(`notifier ${i} started (port ${service.port}, pid ${service.child.pid})`);
  }
  // Events published before every consumer joined its group would be fetched late or twice.
  for (const [i, s] of services.entries()) {
    await retrying(
      `notifier ${i} ready`,
      async () => {
        const res = await fetch(`http://127.0.0.1:${s.port}/readyz`);
        if (res.status !== 200) throw new Error(`readyz ${res.status}`);
      },
      90_000,
    );
  }
  if (INSTANCES > 1) await sleep(5_000); // let the group settle after the last join
}

/** Publishes the releases' events in waves (the k-th event of every release), optionally at --rate. */
async function publishAll(plan) {
  const waves = [];
  for (const r of plan.releases) r.events.forEach((e, k) => (waves[k] ??= []).push(e));
  const t0 = Date.now();
  let sent = 0;
  let lastReport = t0;
  for (const wave of waves) {
    const pending = [];
    for (const e of wave) {
      if (RATE > 0) {
        const due = t0 + (sent / RATE) * 1000;
        if (due - Date.now() > 5) await sleep(due - Date.now());
      }
      e.publishedAt = Date.now();
      pending.push(publisher.publish(e.topic, e.body, { id: e.id, time: new Date(e.time) }));
      sent += 1;
    }
    // Waves keep each release's order: its next event goes out once this one is acknowledged.
    await Promise.all(pending);
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      progress(`  published ${sent}/${EVENTS}`);
    }
  }
  return { t0, publishMs: Date.now() - t0 };
}

/** Warnings and errors the notifiers logged, counted by level, message and error code. */
function serviceLogSummary() {
  const counts = new Map();
  const levelOf = (l) => (typeof l.level === 'number' ? ({ 40: 'warn', 50: 'error', 60: 'fatal' }[l.level] ?? null) : ['warn', 'error', 'fatal'].includes(l.level) ? l.level : null);
  let deadLettered = 0;
  let rescheduled = 0;
  for (const s of services) {
    for (const l of s.lines) {
      const level = levelOf(l);
      if (!level) continue;
      const code = l.code ?? l.err?.code ?? l.error?.code;
      const key = `${level} | ${String(l.msg).slice(0, 120)}${code ? ` | ${code}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (l.msg === 'event dead-lettered') deadLettered += 1;
      if (l.msg === 'event scheduled for retry') rescheduled += 1;
    }
  }
  return { deadLettered, rescheduled, counts: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, 20)) };
}

// ---------------------------------------------------------------- cleanup

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (args['service-log']) for (const [i, s] of services.entries()) writeFileSync(`${resolve(args['service-log'])}.${i}`, `${s.rawOutput.join('\n')}\n`);
  for (const s of services) {
    if (s.child.exitCode === null && s.child.signalCode === null) await Promise.race([s.stop(), sleep(20_000).then(() => s.child.kill('SIGKILL'))]).catch(() => undefined);
  }
  await publisher?.disconnect().catch(() => undefined);
  await slack?.close().catch(() => undefined);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  if (args.keep) {
    progress(`--keep: left topics and groups with prefix ${PREFIX}`);
    return;
  }
  if (kafka) {
    await retrying(
      'topic cleanup',
      async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const topics = (await admin.listTopics()).filter((t) => t.startsWith(PREFIX));
          if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
          const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(PREFIX));
          if (groups.length > 0) await admin.deleteGroups(groups);
          progress(`deleted ${topics.length} topics and ${groups.length} groups with prefix ${PREFIX}`);
        } finally {
          await admin.disconnect();
        }
      },
      120_000,
    ).catch((e) => progress(`topic cleanup failed: ${e.message}`));
  }
  // Thread records, reply keys and buckets expire on their own: the notifiers run with NOTIFY_THREAD_TTL=1h.
}

// ---------------------------------------------------------------- report

function machine() {
  return {
    ...machineInfo(ROOT, { kafkajs: 'kafkajs', slackWebApi: '@slack/web-api' }),
    // The dist builds the run used (the service and the expected rendering must come from the same one).
    notifierBuiltAt: existsSync(MAIN) ? statSync(join(ROOT, 'apps/notifier/dist/app.module.js')).mtime.toISOString() : null,
    notifyLibBuiltAt: existsSync(join(ROOT, 'libs/notify/dist/index.js')) ? statSync(join(ROOT, 'libs/notify/dist/render/render-replies.js')).mtime.toISOString() : null,
  };
}

const table = markdownTable;

// ---------------------------------------------------------------- main

async function main() {
  const info = machine();
  progress(`run ${RUN_ID}: ${EVENTS} events, ${REPOS} repositories, ${CHANNELS} channels, ${INSTANCES} notifier instance(s), rate ${RATE > 0 ? `${RATE}/s` : 'full speed'}`);
  const plan = buildPlan();
  const scenarios = {};
  for (const r of plan.releases) {
    const s = r.scenario;
    const name = s.blocked ? 'blocked' : s.stagingFails ? 'staging rolled back' : s.productionRollback ? 'production rolled back' : s.production ? 'staging + production' : 'staging';
    scenarios[name] = (scenarios[name] ?? 0) + 1;
  }
  const eventCount = plan.releases.reduce((n, r) => n + r.events.length, 0);
  const expectedReplies = plan.releases.reduce((n, r) => n + r.expectedReplies.length, 0);
  const repliesByKind = {};
  for (const r of plan.releases) for (const t of r.expectedReplies) repliesByKind[replyKind(t)] = (repliesByKind[replyKind(t)] ?? 0) + 1;
  progress(`  ${plan.releases.length} releases (${JSON.stringify(scenarios)}), ${eventCount} events, ${expectedReplies} replies expected`);

  workDir = mkdtempSync(join(tmpdir(), 'notify-bench-'));
  const routingFile = join(workDir, 'routing.yaml');
  writeFileSync(routingFile, routingYaml(plan.repos));
  slack = await startFakeSlack({ rateLimit: SLACK_RATE > 0 ? { perSecond: SLACK_RATE, burst: 3 } : false });
  await startKafka();
  await startNotifiers(routingFile);

  progress(`publishing ${eventCount} events`);
  const { t0, publishMs } = await publishAll(plan);
  progress(`  published in ${publishMs} ms; waiting for Slack to show every release's final state`);

  let view;
  let completeAt;
  let timedOut = false;
  let lastReport = 0;
  for (;;) {
    await sleep(1_000);
    view = inspect(slack, plan);
    const lastCall = slack.calls.at(-1)?.at ?? t0;
    if (view.complete === plan.releases.length && completeAt === undefined) completeAt = Date.now();
    if (view.complete < plan.releases.length) completeAt = undefined;
    if (Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      const c = slack.calls.filter((x) => SLACK_METHODS.has(x.method));
      const open = `no root ${view.missingRoot.length}, stale root ${view.staleRoot.length}, replies missing ${view.missingReplies.length}, duplicate roots/replies ${view.duplicateRoots.length}/${view.duplicateReplies.length}`;
      progress(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${view.complete}/${plan.releases.length} releases final (${open}), ${c.length} calls (${c.filter((x) => x.status === 429).length} × 429)`);
    }
    if (completeAt !== undefined && Date.now() - lastCall >= QUIET_MS) break;
    if (Date.now() - t0 > TIMEOUT_MS || (completeAt === undefined && Date.now() - lastCall >= STALL_MS)) {
      timedOut = true;
      progress(Date.now() - t0 > TIMEOUT_MS ? `  timed out after ${TIMEOUT_MS / 1000} s` : `  stalled: no Slack call for ${STALL_MS / 1000} s with ${plan.releases.length - view.complete} releases not final`);
      break;
    }
    for (const [i, s] of services.entries()) if (s.child.exitCode !== null || s.child.signalCode !== null) throw new Error(`notifier ${i} exited:\n${s.tail()}`);
  }
  const lastCallAt = slack.calls.filter((c) => SLACK_METHODS.has(c.method)).at(-1)?.at ?? t0;
  const drainEnd = timedOut ? Date.now() : lastCallAt;
  const calls = callStats(slack, t0, drainEnd);
  const naive = naiveDrain(plan, t0, 1);
  const ok = calls.byMethod;
  const okOf = (kind) => ok[kind]?.ok ?? 0;
  const floor = plan.releases.length + expectedReplies;
  const duplicates = view.duplicateRoots.length + view.duplicateReplies.length;
  const losses = view.missingRoot.length + view.staleRoot.length + view.wrongChannel.length + view.missingReplies.length;
  const fewerAttempts = 1 - calls.attempts / eventCount;
  const fewerOk = 1 - calls.ok / eventCount;
  const targets = [
    { target: '≥ 80 % fewer Slack calls than one message per event (all attempts, 429s included)', value: `${(100 * fewerAttempts).toFixed(1)} % (${calls.attempts} calls for ${eventCount} events)`, met: fewerAttempts >= 0.8 },
    {
      target: `≤ 1 call per channel per second sustained (max over channels of the calls beyond the notifier's burst of ${NOTIFIER_BURST} over the channel's active span)`,
      value: `${calls.perChannel.beyondBurstMax.toFixed(3)} /s (steady slope ${calls.perChannel.slopeMax.toFixed(3)} /s, calls / active span ${calls.perChannel.perSecondActiveMax.toFixed(2)} /s, busiest 60 s: ${calls.perChannel.max60sWindow} calls, 429s: ${calls.rateLimited})`,
      met: calls.perChannel.beyondBurstMax <= 1.0,
    },
    { target: "≤ 10 calls in any 10 s window per channel + Slack's short burst (3)", value: `${calls.perChannel.max10sWindow}`, met: calls.perChannel.max10sWindow <= 13 },
    { target: 'zero duplicates', value: String(duplicates), met: duplicates === 0 },
    { target: 'zero losses', value: String(losses), met: losses === 0 && !timedOut },
  ];
  const summary = {
    runId: RUN_ID,
    options: { events: EVENTS, repos: REPOS, channels: CHANNELS, instances: INSTANCES, rate: RATE, seed: SEED, slackRatePerSecond: SLACK_RATE, quietS: QUIET_MS / 1000, timeoutS: TIMEOUT_MS / 1000 },
    machine: { ...info, loadavgEnd: loadavg().map((x) => x.toFixed(2)).join(' ') },
    workload: { releases: plan.releases.length, events: eventCount, scenarios, expectedReplies, repliesByKind, publishMs, eventsPerChannel: naive.eventsPerChannel },
    calls: {
      naive: eventCount,
      attempts: calls.attempts,
      ok: calls.ok,
      rateLimited429: calls.rateLimited,
      errors: calls.errors,
      otherMethods: calls.otherMethods,
      fewerThanNaivePct: 100 * fewerAttempts,
      fewerThanNaiveOkPct: 100 * fewerOk,
      rootPosts: okOf('chat.postMessage (root)'),
      replies: okOf('chat.postMessage (reply)'),
      updates: okOf('chat.update'),
      floor,
      byMethod: calls.byMethod,
    },
    drain: {
      timedOut,
      drainMs: drainEnd - t0,
      lastNeededWriteMs: view.lastWriteAt ? view.lastWriteAt - t0 : null,
      naiveDrainMs: naive.drainMs,
      ratio: naive.drainMs > 0 ? (drainEnd - t0) / naive.drainMs : null,
    },
    perChannel: calls.perChannel,
    duplicates: { total: duplicates, roots: view.duplicateRoots.slice(0, 20), replies: view.duplicateReplies.slice(0, 20), rootsCount: view.duplicateRoots.length, repliesCount: view.duplicateReplies.length },
    losses: {
      total: losses,
      missingRoot: view.missingRoot.length,
      staleRoot: view.staleRoot.length,
      wrongChannel: view.wrongChannel.length,
      missingReplies: view.missingReplies.length,
      examples: [...view.missingRoot.slice(0, 5), ...view.staleRoot.slice(0, 5), ...view.wrongChannel.slice(0, 5), ...view.missingReplies.slice(0, 10)],
    },
    foreignRoots: view.foreignRoots,
    targets,
    serviceLog: serviceLogSummary(),
  };

  if (!args.json) {
    const pct = (x) => `${x.toFixed(1)} %`;
    process.stderr.write(
      `\n${table(
        ['Slack calls', 'count', 'per event'],
        [
          ['naive: one message per event', eventCount, '1.00'],
          ['notifier: all calls (429s included)', calls.attempts, (calls.attempts / eventCount).toFixed(2)],
          ['  root posts (ok)', summary.calls.rootPosts, (summary.calls.rootPosts / eventCount).toFixed(2)],
          ['  reply messages (ok)', summary.calls.replies, (summary.calls.replies / eventCount).toFixed(2)],
          ['  chat.update (ok)', summary.calls.updates, (summary.calls.updates / eventCount).toFixed(2)],
          ['  answered 429', calls.rateLimited, (calls.rateLimited / eventCount).toFixed(2)],
          ['  other errors', calls.errors, (calls.errors / eventCount).toFixed(2)],
          ['one root per release + one message per expected reply', floor, (floor / eventCount).toFixed(2)],
          ['  of which expected replies', expectedReplies, (expectedReplies / eventCount).toFixed(2)],
        ],
      )}\n\n`,
    );
    process.stderr.write(
      `${table(
        ['drain and rate', 'value'],
        [
          ['calls vs naive', `${pct(100 * fewerAttempts)} fewer`],
          ['drain: first publish → last call (s)', fmt((drainEnd - t0) / 1000)],
          ['  last needed message write (s)', fmt(view.lastWriteAt ? (view.lastWriteAt - t0) / 1000 : null)],
          ['naive drain at 1 msg/channel/s (s)', fmt(naive.drainMs / 1000)],
          ['publish time (s)', fmt(publishMs / 1000)],
          ['per channel: calls/s beyond the burst over active span, max', fmt(calls.perChannel.beyondBurstMax, 3)],
          ['per channel: steady calls/s (slope), max', fmt(calls.perChannel.slopeMax, 3)],
          ['per channel: calls/s over active span, max', fmt(calls.perChannel.perSecondActiveMax, 2)],
          ['per channel: calls/s in the busiest 60 s, max', fmt(calls.perChannel.sustainedMax, 2)],
          ['per channel: calls/s over the drain, max', fmt(calls.perChannel.perSecondDrainMax, 2)],
          ['per channel: most calls in 10 s', calls.perChannel.max10sWindow],
          ['per channel: most calls in 1 s', calls.perChannel.max1sWindow],
          ['per channel: most calls in 60 s', calls.perChannel.max60sWindow],
          ['calls per channel (median / max)', `${fmt(calls.perChannel.callsPerChannel.median)} / ${fmt(calls.perChannel.callsPerChannel.max)}`],
          ['429s answered', calls.rateLimited],
          ['duplicates (roots / replies)', `${view.duplicateRoots.length} / ${view.duplicateReplies.length}`],
          ['losses (no root / stale root / wrong channel / missing replies)', `${view.missingRoot.length} / ${view.staleRoot.length} / ${view.wrongChannel.length} / ${view.missingReplies.length}`],
          ['events rescheduled / dead-lettered (service logs)', `${summary.serviceLog.rescheduled} / ${summary.serviceLog.deadLettered}`],
        ],
      )}\n\n`,
    );
    process.stderr.write(`expected replies by kind: ${JSON.stringify(repliesByKind)}\n`);
    for (const t of targets) process.stderr.write(`${t.met ? 'met    ' : 'NOT met'}  ${t.target}: ${t.value}\n`);
    if (losses > 0) process.stderr.write(`loss examples: ${JSON.stringify(summary.losses.examples, null, 2)}\n`);
    if (duplicates > 0) process.stderr.write(`duplicate examples: ${JSON.stringify([...summary.duplicates.roots.slice(0, 5), ...summary.duplicates.replies.slice(0, 5)], null, 2)}\n`);
    process.stderr.write(`notifier warnings/errors (count by message): ${JSON.stringify(summary.serviceLog.counts, null, 2)}\n\n`);
  }
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  process.stdout.write(json);
  if (args.out) writeFileSync(resolve(args.out), json);
  return duplicates === 0 && losses === 0 && !timedOut;
}

let exitCode = 0;
const onSignal = (sig) => {
  progress(`${sig}: cleaning up`);
  cleanup().finally(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  if (!(await main())) exitCode = 1;
} catch (error) {
  exitCode = 1;
  progress(`failed: ${error.stack ?? error}`);
  for (const [i, s] of services.entries()) progress(`notifier ${i} tail:\n${s.tail()}`);
} finally {
  await cleanup().catch((e) => progress(`cleanup failed: ${e.stack ?? e}`));
}
process.exit(exitCode);
