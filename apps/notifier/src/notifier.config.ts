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
    webhookUrl: envVar.url('SLACK_WEBHOOK_URL', {
      optional: true,
      sensitive: true,
      protocols: ['https', 'http'],
      description:
        'Incoming-webhook mode, for teams without a bot: the webhook URL (`https://hooks.slack.com/services/…`). Post-only: one message each time a release’s outcome changes (a gate fails, an environment is blocked, deployed, failed or rolled back) into the webhook’s channel; no in-place updates, no thread replies, no buttons, no routing to other channels. Mutually exclusive with SLACK_BOT_TOKEN. Also readable from SLACK_WEBHOOK_URL_FILE.',
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
    settleMs: envVar.duration('NOTIFY_SETTLE', {
      default: '2s',
      description:
        'How long a new release must be quiet (no new event) before its root message is first posted — at most 5 times this after its first event — so the burst a push starts (audit, build, scan) becomes one post instead of a post and its updates. Commit statuses are not delayed. `0s` posts at once.',
    }),
    updateIntervalMs: envVar.duration('NOTIFY_UPDATE_INTERVAL', {
      default: '5s',
      description:
        'Least time between two updates of a release’s root message that only show progress (waiting, approved, deploying); what happened in between goes into the next update. An update showing a new outcome — a gate failed, an environment blocked, deployed, failed or rolled back — is sent at once. `0s` updates on every change the allowance permits.',
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
  statuses: {
    github: {
      apiUrl: envVar.url('NOTIFY_STATUS_GITHUB_API_URL', {
        default: 'https://api.github.com',
        protocols: ['https', 'http'],
        description: 'GitHub API base for commit statuses: `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server.',
      }),
      token: envVar.string('NOTIFY_STATUS_GITHUB_TOKEN', {
        optional: true,
        sensitive: true,
        pattern: /^[\x21-\x7e]{8,1000}$/,
        description:
          'Token that posts commit statuses on GitHub repositories (classic `repo:status`, or fine-grained / GitHub App "Commit statuses: write"). Unset = no statuses on GitHub. Also readable from NOTIFY_STATUS_GITHUB_TOKEN_FILE.',
      }),
    },
    gitlab: {
      url: envVar.url('NOTIFY_STATUS_GITLAB_URL', { default: 'https://gitlab.com', protocols: ['https', 'http'], description: 'GitLab instance for commit statuses (the API is under `/api/v4`).' }),
      token: envVar.string('NOTIFY_STATUS_GITLAB_TOKEN', {
        optional: true,
        sensitive: true,
        pattern: /^[\x21-\x7e]{8,1000}$/,
        description: 'GitLab access token with the `api` scope and at least Developer role. Unset = no statuses on GitLab. Also readable from NOTIFY_STATUS_GITLAB_TOKEN_FILE.',
      }),
    },
    gitea: {
      url: envVar.url('NOTIFY_STATUS_GITEA_URL', { optional: true, protocols: ['https', 'http'], description: 'Gitea or Forgejo instance for commit statuses (the API is under `/api/v1`); required with NOTIFY_STATUS_GITEA_TOKEN.' }),
      token: envVar.string('NOTIFY_STATUS_GITEA_TOKEN', {
        optional: true,
        sensitive: true,
        pattern: /^[\x21-\x7e]{8,1000}$/,
        description: 'Gitea/Forgejo access token with `write:repository`. Unset = no statuses on Gitea. Also readable from NOTIFY_STATUS_GITEA_TOKEN_FILE.',
      }),
    },
    bitbucket: {
      apiUrl: envVar.url('NOTIFY_STATUS_BITBUCKET_API_URL', { default: 'https://api.bitbucket.org', protocols: ['https', 'http'], description: 'Bitbucket Cloud API host for build statuses.' }),
      username: envVar.string('NOTIFY_STATUS_BITBUCKET_USERNAME', {
        optional: true,
        pattern: /^[\x21-\x7e]{1,200}$/,
        description: 'With NOTIFY_STATUS_BITBUCKET_TOKEN an app password or API token (sent as Basic); unset = the token is an access token (sent as Bearer).',
      }),
      token: envVar.string('NOTIFY_STATUS_BITBUCKET_TOKEN', {
        optional: true,
        sensitive: true,
        pattern: /^[\x21-\x7e]{8,1000}$/,
        description: 'Bitbucket Cloud access token, or app password with NOTIFY_STATUS_BITBUCKET_USERNAME, with repository write. Unset = no statuses on Bitbucket Cloud. Also readable from NOTIFY_STATUS_BITBUCKET_TOKEN_FILE.',
      }),
    },
    bitbucketDc: {
      url: envVar.url('NOTIFY_STATUS_BITBUCKET_DC_URL', { optional: true, protocols: ['https', 'http'], description: 'Bitbucket Data Center / Server base URL for build statuses; required with NOTIFY_STATUS_BITBUCKET_DC_TOKEN.' }),
      token: envVar.string('NOTIFY_STATUS_BITBUCKET_DC_TOKEN', {
        optional: true,
        sensitive: true,
        pattern: /^[\x21-\x7e]{8,1000}$/,
        description: 'Bitbucket Data Center HTTP access token with repository write. Unset = no statuses on Bitbucket Data Center. Also readable from NOTIFY_STATUS_BITBUCKET_DC_TOKEN_FILE.',
      }),
      api: envVar.enum('NOTIFY_STATUS_BITBUCKET_DC_API', ['builds', 'legacy'], {
        default: 'builds',
        description: '`builds`: the repository-scoped builds API (7.4+). `legacy`: `/rest/build-status/1.0` (any version).',
      }),
    },
    releaseUrl: envVar.string('NOTIFY_STATUS_RELEASE_URL', {
      default: '',
      description:
        'Link of every commit status, with `{provider}`, `{owner}`, `{name}`, `{sha}`, `{releaseId}` placeholders (e.g. `https://portcullis.example.com/releases/{releaseId}`). Bitbucket requires a link; GitHub, GitLab and Gitea show none when empty.',
    }),
    secretsUrl: envVar.string('NOTIFY_STATUS_SECRETS_URL', { default: '', description: 'Link of `portcullis/secrets`, same placeholders; empty = NOTIFY_STATUS_RELEASE_URL.' }),
    imageScanUrl: envVar.string('NOTIFY_STATUS_IMAGE_SCAN_URL', { default: '', description: 'Link of `portcullis/image-scan`, same placeholders; empty = NOTIFY_STATUS_RELEASE_URL.' }),
    deployUrl: envVar.string('NOTIFY_STATUS_DEPLOY_URL', { default: '', description: 'Link of `portcullis/deploy-<env>`, same placeholders plus `{environment}`; empty = NOTIFY_STATUS_RELEASE_URL.' }),
    ratePerSecond: envVar.string('NOTIFY_STATUS_RATE_PER_SECOND', {
      default: '1',
      pattern: /^(?:\d{1,3}(?:\.\d{1,3})?)$/,
      description:
        'Status calls per second per provider, across all instances (a shared Redis token bucket). The default stays under GitHub’s 5,000 requests per hour per token; an answer saying "rate limited" is honoured on top (Retry-After / X-RateLimit-Reset).',
    }),
    burst: envVar.int('NOTIFY_STATUS_BURST', { default: '10', min: 1, max: 100, description: 'Status calls a quiet provider may take at once before NOTIFY_STATUS_RATE_PER_SECOND applies.' }),
    timeoutMs: envVar.duration('NOTIFY_STATUS_TIMEOUT', { default: '10s', description: 'A status call taking longer is abandoned and the event retried with backoff.' }),
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
