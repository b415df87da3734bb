import { z } from 'zod';
import { ReasonCode } from './scalars.js';
import { Severity } from './severity.js';

/** A Slack channel id (`C…`, `G…`) or a channel name (`#deploys`, `deploys`). */
export const SlackChannel = z
  .string()
  .min(1)
  .max(80)
  .regex(/^(#?[a-z0-9][a-z0-9._-]*|[CG][A-Z0-9]{2,20})$/, 'a channel id (C…) or a lower-case channel name')
  .meta({ description: 'Slack channel id (`C0123ABCD`) or name (`#deploys`).' });
export type SlackChannel = z.infer<typeof SlackChannel>;

/** A Slack user (`U…`, `W…`) or user-group (`S…`) id: never `<!channel>` or `@here`, so a repository cannot page a whole channel. */
export const SlackMentionId = z
  .string()
  .max(21)
  .regex(/^[UWS][A-Z0-9]{2,20}$/, 'a Slack user id (U…/W…) or user-group id (S…)')
  .meta({ description: 'Slack user id (`U…`, `W…`) or user-group id (`S…`).' });
export type SlackMentionId = z.infer<typeof SlackMentionId>;

/** Mentions a repository may ask for; more is a paging storm, not a notification. */
export const MAX_REPO_NOTIFY_MENTIONS = 10;

/**
 * The `notify:` section of a repository's `.portcullis.yaml`, as read at one commit. Unknown keys
 * are stripped on the wire (an older consumer keeps working when a key is added); the producer
 * reading the file refuses them (`z.strictObject(RepoNotifySettings.shape)`), so a typo reaches the
 * owners as a problem, not as a silent default.
 */
export const RepoNotifySettings = z
  .object({
    /** A channel to post in as well; the notifier honours it only when the platform config allows it. */
    channel: SlackChannel.optional().meta({
      description: 'A channel to post in as well; the notifier honours it only when the platform config allows it.',
    }),
    /** Mentioned when a gate or rollout fails. */
    mentions: z
      .array(SlackMentionId)
      .max(MAX_REPO_NOTIFY_MENTIONS)
      .optional()
      .meta({ description: 'Slack users or user groups mentioned when a gate or rollout fails (at most 10).' }),
    /** Lowest severity listed in replies. */
    minSeverity: Severity.optional().meta({ description: 'Lowest severity listed in replies.' }),
  })
  .meta({ description: "A repository's notification settings (the `notify:` section of `.portcullis.yaml`)." });
export type RepoNotifySettings = z.infer<typeof RepoNotifySettings>;

/** Problems reported for an invalid section; the first ones are enough to fix it. */
export const MAX_REPO_NOTIFY_PROBLEMS = 10;

/** Length of a reported path (the section is flat, so real paths are far shorter). */
export const MAX_REPO_NOTIFY_PATH_LENGTH = 120;

/**
 * Where in the file something is wrong: `notify`, `notify.chanel`, `notify.mentions[2]`. Only key
 * names and indexes, never a value; key names outside a plain identifier shape are shown as `*`
 * (a pasted token must not travel as a "key").
 */
export const RepoNotifyProblemPath = z
  .string()
  .min(1)
  .max(MAX_REPO_NOTIFY_PATH_LENGTH)
  .regex(/^notify(\.([A-Za-z][A-Za-z0-9_-]*|\*)|\[\d+\])*$/, 'a path under notify: key names and [index]')
  .meta({ description: 'Path of the offending key in `.portcullis.yaml`, e.g. `notify.mentions[2]`; never a value.' });

/** One thing wrong with a repository's `notify:` section. */
export const RepoNotifyProblem = z
  .object({
    /** Where: `notify.chanel`, `notify.mentions[2]`. */
    path: RepoNotifyProblemPath,
    /** What: `UNKNOWN_KEY`, `INVALID_VALUE`, `WRONG_TYPE`, `TOO_MANY`, `TOO_LONG`, `UNREADABLE_FILE`, … */
    reason: ReasonCode.meta({
      description: 'What: `UNKNOWN_KEY`, `INVALID_VALUE`, `WRONG_TYPE`, `TOO_MANY`, `TOO_LONG`, `UNREADABLE_FILE`, …',
    }),
  })
  .meta({ description: "One thing wrong with a repository's `notify:` section: where, and what (never the value)." });
export type RepoNotifyProblem = z.infer<typeof RepoNotifyProblem>;

/**
 * A repository's `notify:` section as read at one commit: the settings, or why they could not be
 * used (the notifier then applies the platform's routing and tells the owners). The producer omits
 * it entirely when the file or the section is absent.
 */
export const RepoNotifyReading = z
  .discriminatedUnion('status', [
    z
      .object({
        /** The section is valid. */
        status: z.literal('valid').meta({ description: 'The section is valid.' }),
        /** The settings it holds. */
        settings: RepoNotifySettings,
      })
      .meta({ description: 'A valid `notify:` section.' }),
    z
      .object({
        /** The section (or the file holding it) could not be used; nothing of it applies. */
        status: z.literal('invalid').meta({ description: 'The section (or the file holding it) could not be used; nothing of it applies.' }),
        /** The first problems found (at most 10), paths only. */
        problems: z
          .array(RepoNotifyProblem)
          .min(1)
          .max(MAX_REPO_NOTIFY_PROBLEMS)
          .meta({ description: 'The first problems found (at most 10): paths and reasons, never values.' }),
        /** True when there were more problems than `problems` holds. */
        problemsTruncated: z.boolean().meta({ description: 'True when there were more problems than `problems` holds.' }),
      })
      .meta({ description: 'An invalid `notify:` section, with where it is wrong.' }),
  ])
  .meta({ description: "A repository's `notify:` section as read at the audited commit: valid settings, or the problems found." });
export type RepoNotifyReading = z.infer<typeof RepoNotifyReading>;
