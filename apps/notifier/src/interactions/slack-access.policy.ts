import { z } from 'zod';
import { ActionId, globMatches } from '@portcullis/notify';

const Glob = z.string().min(1).max(300).regex(/^[A-Za-z0-9._\-/*]+$/, 'letters, digits, . _ - / and the wildcards * and **');

/**
 * Who may do what from Slack. A user may act when any rule lists their Slack user id, a repository
 * glob that matches `provider/owner/name` and the action; release actions also need an environment
 * glob that matches. Finding triage and vulnerability acceptance are repository-wide, so their
 * rules' environments are not consulted.
 */
export const SlackAccessRule = z.strictObject({
  /** Slack user ids (`U…`/`W…`), as Slack signs them, never display names (which users can change). */
  users: z.array(z.string().regex(/^[A-Z0-9]{2,32}$/, 'a Slack user id such as U012ABCDEF')).min(1),
  /** Globs over `provider/owner/name`: `*` stays inside one path segment, `**` crosses `/` (GitLab subgroups). */
  repositories: z.array(Glob).min(1),
  /** Globs over environment names (`*` for all); ignored for `finding.triage` and `vulnerability.accept`. */
  environments: z.array(Glob).default(['*']),
  /** Actions the rule allows. */
  actions: z.array(ActionId).min(1),
});
export type SlackAccessRule = z.output<typeof SlackAccessRule>;

/** The whole access configuration, as the notifier's config reads it (JSON). */
export const SlackAccessRules = z.array(SlackAccessRule);

export interface SlackAccessRequest {
  readonly userId: string;
  readonly action: ActionId;
  /** `provider/owner/name`. */
  readonly repository: string;
  /** Absent for repository-wide actions. */
  readonly environment?: string;
}

/** Answers "may this Slack user do this here?" from a fixed rule list (compiled once). */
export class SlackAccessPolicy {
  private readonly rules: readonly { users: ReadonlySet<string>; repositories: readonly string[]; environments: readonly string[]; actions: ReadonlySet<string> }[];

  constructor(rules: readonly SlackAccessRule[]) {
    this.rules = rules.map((r) => ({
      users: new Set(r.users),
      repositories: r.repositories,
      environments: r.environments,
      actions: new Set(r.actions),
    }));
  }

  allows(request: SlackAccessRequest): boolean {
    return this.rules.some(
      (r) =>
        r.users.has(request.userId) &&
        r.actions.has(request.action) &&
        r.repositories.some((glob) => globMatches(glob, request.repository)) &&
        (request.environment === undefined || r.environments.some((glob) => globMatches(glob, request.environment!))),
    );
  }
}
