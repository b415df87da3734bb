import { type ReleaseThread } from '../thread/release-thread.js';
import { authorMentions, routeRelease, type NotifyRoutingConfig, type RouteDecision } from './route-release.js';

/**
 * Routes a release by what its thread knows so far: the platform rules for its repository, the
 * repository's own `notify:` section once the audit read it (an invalid one is ignored), and
 * owner mentions for the people who wrote it — the release commit's author and the authors of its
 * secret findings, as far as `authorSlackIds` maps them. Mentions only appear where something
 * failed (see `renderReplies`), so a clean release pings nobody.
 */
export function routeThread(thread: ReleaseThread, config: NotifyRoutingConfig): RouteDecision {
  const decision = routeRelease(thread.repository, config, thread.repoNotify?.status === 'valid' ? thread.repoNotify.settings : undefined);
  const authors = [
    ...(thread.commit?.author ? [thread.commit.author] : []),
    ...(thread.audit?.status === 'completed' ? thread.audit.findings.map((f) => f.author) : []),
  ];
  const owners = authorMentions(authors, config);
  return owners.length === 0 ? decision : { ...decision, mentions: [...new Set([...decision.mentions, ...owners])] };
}
