import { envVar, type InferConfig } from '@portcullis/config';
import { baseServiceConfig } from '@portcullis/service-kit';

/**
 * The configuration notifier reads at start-up: what every service has, with the HTTP server on
 * 8084 by default, plus Slack, routing, the per-channel allowance and link templates.
 * Kept apart from main.ts so tools/generators/config-docs.mjs can import it without booting the
 * service (see docs/configuration.md).
 */
export const notifierConfig = baseServiceConfig(8084, {
  slack: {
    botToken: envVar.string('SLACK_BOT_TOKEN', {
      optional: true,
      sensitive: true,
      pattern: /^xox[a-z]-[A-Za-z0-9-]{8,500}$/,
      description:
        'Bot token (`xoxb-…`) the notifier posts and updates release threads with; it needs `chat:write` (and `chat:write.public` for channels the bot was not invited to). Unset = Slack is disabled (logged at boot): events are consumed and nothing is posted. Also readable from SLACK_BOT_TOKEN_FILE.',
    }),
    apiUrl: envVar.url('SLACK_API_URL', {
      default: 'https://slack.com/api/',
      protocols: ['https', 'http'],
      description: 'Base URL of the Slack Web API, ending in `/api/`. Change it only for a proxy or a test double.',
    }),
    timeoutMs: envVar.duration('SLACK_TIMEOUT', { default: '10s', description: 'A Slack API call taking longer is abandoned and the event retried with backoff.' }),
    channelRatePerSecond: envVar.string('SLACK_CHANNEL_RATE_PER_SECOND', {
      default: '1',
      pattern: /^(?:\d{1,3}(?:\.\d{1,3})?)$/,
      description:
        'Slack calls (posts and updates) allowed per channel per second, across all notifier instances (a shared Redis token bucket). Slack allows about 1; decimals such as `0.5` are accepted.',
    }),
    channelBurst: envVar.int('SLACK_CHANNEL_BURST', {
      default: '2',
      min: 1,
      max: 20,
      description: 'Calls a quiet channel may take at once before SLACK_CHANNEL_RATE_PER_SECOND applies. Keep it small: Slack allows only short bursts.',
    }),
  },
  routing: {
    file: envVar.string('NOTIFY_ROUTING_FILE', {
      optional: true,
      description:
        'YAML or JSON file mapping repositories to Slack channels (`defaultChannel`, `routes` of `repositories` globs → `channels`, allow-lists, `minSeverity`, `authorSlackIds`; see libs/notify). Validated at boot; required when SLACK_BOT_TOKEN is set.',
    }),
  },
  links: {
    commitUrl: envVar.string('NOTIFY_LINK_COMMIT_URL', {
      default: '',
      description:
        'Link of a release commit, with `{provider}`, `{owner}`, `{name}`, `{sha}`, `{releaseId}` placeholders, e.g. `https://github.com/{owner}/{name}/commit/{sha}`. Empty = no commit link.',
    }),
    findingsUrl: envVar.string('NOTIFY_LINK_FINDINGS_URL', {
      default: '',
      description: 'Link of a release’s findings, same placeholders, e.g. `https://portcullis.example.com/releases/{releaseId}`. Empty = no findings link.',
    }),
  },
  threads: {
    ttlMs: envVar.duration('NOTIFY_THREAD_TTL', {
      default: '720h',
      description: 'How long a release’s thread record (its facts, root message ts, posted replies) is kept in Redis after its last change. An event for a release older than this starts a new root message.',
    }),
    lockTtlMs: envVar.duration('NOTIFY_LOCK_TTL', {
      default: '30s',
      description: 'TTL of the per-release lock, renewed while held; a crashed instance’s lock frees itself after this long.',
    }),
    lockWaitMs: envVar.duration('NOTIFY_LOCK_WAIT', {
      default: '3s',
      description: 'How long an event waits for its release’s lock before it is handed back (not-ready, re-delivered after NOTIFY_BUSY_RETRY).',
    }),
    busyRetryMs: envVar.duration('NOTIFY_BUSY_RETRY', { default: '1s', description: 'Delay before an event whose release was busy is delivered again.' }),
  },
  interactions: {
    signingSecret: envVar.string('SLACK_SIGNING_SECRET', {
      optional: true,
      sensitive: true,
      pattern: /^[\x21-\x7e]{16,512}$/,
      description:
        'Signing secret of the Slack app: every request to `POST /v1/slack/interactions` (the buttons of release threads) must carry a valid `X-Slack-Signature` over its raw body, at most 5 minutes old. Unset = the endpoint is not mounted (logged at boot). Also readable from SLACK_SIGNING_SECRET_FILE.',
    }),
    accessRulesFile: envVar.string('SLACK_ACCESS_RULES_FILE', {
      optional: true,
      description:
        'YAML or JSON list of who may act from Slack: `[{ users: [U123], repositories: [github/acme/*], environments: [production], actions: [release.approve, release.rollback] }]` (actions: release.approve, release.promote, release.rollback, finding.triage, vulnerability.accept). Unset or empty = every click is refused with an explanation.',
    }),
  },
});
export type NotifierConfig = InferConfig<typeof notifierConfig>;
