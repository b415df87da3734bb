import { type GitProvider } from '@portcullis/contracts';

/** Every kind of sender a source can be configured for (`ci` serves `POST /v1/builds`). */
export const SOURCE_PROVIDERS = ['github', 'gitlab', 'bitbucket', 'bitbucket-dc', 'gitea', 'harbor', 'distribution', 'dockerhub', 'ci'] as const;
export type SourceProvider = (typeof SOURCE_PROVIDERS)[number];

/** Git providers among the source kinds: their events go to `scm.events`. */
export function isGitProvider(provider: SourceProvider): provider is GitProvider {
  return provider === 'github' || provider === 'gitlab' || provider === 'bitbucket' || provider === 'bitbucket-dc' || provider === 'gitea';
}

/** Restricts what a source may announce: a delivery for another owner or repository is rejected (403). */
export interface SourceScope {
  /** Owner / organisation / group path the source's deliveries must belong to. */
  readonly owner?: string;
  /** Repository name (within `owner`) the deliveries must belong to. */
  readonly repository?: string;
}

/** One configured webhook sender, with its secrets already read from env or files. */
export interface WebhookSource {
  /** The `:sourceId` of `POST /v1/webhooks/:sourceId`; also a metrics label. */
  readonly id: string;
  readonly provider: SourceProvider;
  readonly scope: SourceScope;
  /**
   * Active secrets (1–2: old and new during a rotation). Their meaning depends on the provider:
   * HMAC secret, GitLab token, Harbor's whole `Authorization` value, CI HMAC secret or bearer token.
   * Never logged: every value is also given to the intake logger's scrubber.
   */
  readonly secrets: readonly string[];
  /**
   * The configured provider or registry host (`https://github.example.com`, `registry.example.com:5000`).
   * Clone, API and registry hosts come from here, never from a payload.
   */
  readonly baseUrl: URL;
  /** Deliveries per minute for the whole source. */
  readonly perMinute: number;
  /** Events per minute per repository. */
  readonly perRepositoryPerMinute: number;
}
