import { repositoryKey, type RepoNotifySettings, Severity, SlackChannel, SlackMentionId, type RepositoryRef } from '@portcullis/contracts';
import { z } from 'zod';
import { NotifyConfigError } from '../notify.error.js';

/**
 * Glob over `provider/owner/name`: `*` stays within one segment, `**` spans segments
 * (`github/acme/*`, `*\/payments/**`, `**`).
 */
export const RepositoryGlob = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9._*/-]+$/, 'letters, digits, . _ - / and *')
  .meta({ description: 'Glob over `provider/owner/name` (`*` one segment, `**` any).' });

/** One routing rule of the platform config. */
export const NotifyRoute = z
  .strictObject({
    /** Repositories the rule covers. */
    repositories: RepositoryGlob,
    /** Channels the releases of those repositories are posted in. */
    channels: z.array(SlackChannel).min(1).max(5),
    /** Channels a repository's `.portcullis.yaml` may pick in addition (the team's own, say). */
    allowedChannels: z.array(SlackChannel).max(50).default([]),
    /** Mentioned when a gate or rollout fails. */
    mentions: z.array(SlackMentionId).max(10).default([]),
    /** Lowest severity listed in replies. */
    minSeverity: Severity.optional(),
  })
  .meta({ description: 'Routes the releases of matching repositories to channels.' });
export type NotifyRoute = z.infer<typeof NotifyRoute>;

/** The notifier's routing section of the platform config (validated once at boot). */
export const NotifyRoutingConfig = z
  .strictObject({
    /** Where releases no rule matches go. */
    defaultChannel: SlackChannel,
    /** Rules, first match wins. */
    routes: z.array(NotifyRoute).max(1000).default([]),
    /** Channels any repository may pick in its `.portcullis.yaml`. */
    allowedChannels: z.array(SlackChannel).max(200).default([]),
    /** Lowest severity listed in replies when neither the rule nor the repository sets one. */
    minSeverity: Severity.default('unknown'),
    /** Commit author (as git records it) → Slack user id, for owner mentions without CODEOWNERS. */
    authorSlackIds: z.record(z.string().min(1).max(200), SlackMentionId).default({}),
  })
  .meta({ description: 'Notifier routing: repository globs to channels, allow-lists, author mentions.' });
export type NotifyRoutingConfig = z.infer<typeof NotifyRoutingConfig>;

/** Where and how a release is announced. */
export interface RouteDecision {
  /** Channels to post the release thread in (deduplicated, at least one). */
  channels: string[];
  /** Lowest severity listed in replies. */
  minSeverity: Severity;
  /** Slack ids to mention on failures (rule's, then the repository's). */
  mentions: string[];
  /** The glob of the rule that matched; `undefined` for the default channel. */
  matchedRoute: string | undefined;
  /** A channel the repository asked for and was refused, for a log line and a metric. */
  refusedChannel: string | undefined;
}

/**
 * Routes a release of `repository`: the first platform rule whose glob matches picks the channels
 * (else the default channel). The repository's own `notify.channel` is added only when the rule or
 * the platform allow-lists it, so whoever can push to a repository cannot send its alerts (or
 * fake ones) into any channel they like. `repoNotify` is the repository's `notify:` section as the
 * secret-auditor read it at the release commit (`audit.completed` `repoNotify`, when `valid`).
 */
export function routeRelease(repository: RepositoryRef, config: NotifyRoutingConfig, repoNotify?: RepoNotifySettings): RouteDecision {
  const key = repositoryKey(repository);
  const route = config.routes.find((r) => globMatches(r.repositories, key));
  const channels = route ? [...route.channels] : [config.defaultChannel];
  let refusedChannel: string | undefined;
  if (repoNotify?.channel) {
    const allowed = [...(route?.allowedChannels ?? []), ...config.allowedChannels, ...channels].map(normaliseChannel);
    if (allowed.includes(normaliseChannel(repoNotify.channel))) channels.push(repoNotify.channel);
    else refusedChannel = repoNotify.channel;
  }
  return {
    channels: dedupeChannels(channels),
    minSeverity: repoNotify?.minSeverity ?? route?.minSeverity ?? config.minSeverity,
    mentions: [...new Set([...(route?.mentions ?? []), ...(repoNotify?.mentions ?? [])])],
    matchedRoute: route?.repositories,
    refusedChannel,
  };
}

/** Slack ids of the given commit authors (e.g. of a release's findings) that the config maps; unknown authors are skipped. */
export function authorMentions(authors: readonly string[], config: Pick<NotifyRoutingConfig, 'authorSlackIds'>): string[] {
  const ids = authors.map((a) => (Object.hasOwn(config.authorSlackIds, a) ? config.authorSlackIds[a] : undefined));
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** Validates the platform routing config; throws `NotifyConfigError` naming every bad path (never a value). */
export function parseRoutingConfig(input: unknown): NotifyRoutingConfig {
  const result = NotifyRoutingConfig.safeParse(input);
  if (!result.success) throw NotifyConfigError.fromIssues('notify routing config', result.error.issues);
  return result.data;
}

/** True when `key` (`provider/owner/name`) matches `glob`. */
export function globMatches(glob: string, key: string): boolean {
  return globToRegExp(glob).test(key);
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += 1;
    } else if (c === '*') {
      source += '[^/]*';
    } else {
      source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function normaliseChannel(channel: string): string {
  return channel.startsWith('#') ? channel.slice(1) : channel;
}

function dedupeChannels(channels: readonly string[]): string[] {
  const seen = new Set<string>();
  return channels.filter((c) => {
    const n = normaliseChannel(c);
    if (seen.has(n)) return false;
    seen.add(n);
    return true;
  });
}
