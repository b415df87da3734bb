import { envVar } from '@portcullis/config';
import { type GitHostConfig } from './git-host.js';

/**
 * The configuration variables of one provider's git host (`GIT_HOST_<PROVIDER>_URL`, `_USERNAME`,
 * `_TOKEN`), for a service's config schema. Every service that fetches from git hosts reads the
 * same names, so one deployment sets them once. `unset` says what the service does for a provider
 * without a URL (only shown when there is no default URL).
 */
export function gitHostConfig(provider: string, label: string, options: { defaultUrl?: string; unset: string }) {
  const prefix = `GIT_HOST_${provider.toUpperCase().replace('-', '_')}`;
  const { defaultUrl } = options;
  return {
    url: envVar.url(`${prefix}_URL`, {
      protocols: ['https', 'http'],
      ...(defaultUrl ? { default: defaultUrl } : { optional: true as const }),
      description: `Base URL of the ${label} git server repositories are fetched from (\`<url>/<owner>/<name>.git\`)${defaultUrl ? '' : `; unset = ${options.unset}`}. Plain http only with GIT_HOSTS_ALLOW_HTTP.`,
    }),
    username: envVar.string(`${prefix}_USERNAME`, {
      optional: true,
      description: `User name sent with ${prefix}_TOKEN (HTTP Basic), e.g. \`x-access-token\` for a GitHub App token, \`oauth2\` for GitLab.`,
    }),
    token: envVar.string(`${prefix}_TOKEN`, {
      optional: true,
      sensitive: true,
      description: `Token (or password) for ${label}; unset = anonymous fetches. Also readable from ${prefix}_TOKEN_FILE.`,
    }),
  };
}

/** The git providers Portcullis knows (the contracts' `RepositoryRef['provider']`), with their names for people. */
const PROVIDER_LABELS = {
  github: 'GitHub',
  gitlab: 'GitLab',
  bitbucket: 'Bitbucket Cloud',
  'bitbucket-dc': 'Bitbucket Data Center',
  gitea: 'Gitea/Forgejo',
} as const;
type Provider = keyof typeof PROVIDER_LABELS;

/**
 * `gitHostConfig` for every provider: the `hosts` block of a service that fetches from git.
 * `defaultUrls` gives providers a public default (github.com); `unset` says what the service does
 * for a provider without one.
 */
export function gitHostsConfig(options: { unset: string; defaultUrls?: Partial<Record<Provider, string>> }) {
  const host = (provider: Provider) => {
    const defaultUrl = options.defaultUrls?.[provider];
    return gitHostConfig(provider, PROVIDER_LABELS[provider], { ...(defaultUrl ? { defaultUrl } : {}), unset: options.unset });
  };
  return { github: host('github'), gitlab: host('gitlab'), bitbucket: host('bitbucket'), 'bitbucket-dc': host('bitbucket-dc'), gitea: host('gitea') };
}

/** `GIT_HOSTS_ALLOW_HTTP`: the providers whose host may be plain http. */
export function gitHostsAllowHttpConfig() {
  return envVar.list('GIT_HOSTS_ALLOW_HTTP', {
    default: '',
    description: 'Providers whose git host may be plain http (local test servers only), e.g. `github,gitea`.',
  });
}

/** The loaded values of `gitHostConfig` per provider, and `gitHostsAllowHttpConfig`. */
export interface GitHostsSettings<P extends string> {
  readonly hosts: Readonly<Record<P, { readonly url?: string | undefined; readonly username?: string | undefined; readonly token?: string | undefined }>>;
  readonly allowHttp: readonly string[];
}

/** The configured git host of each provider (providers without a URL have none). */
export function gitHostsOf<P extends string>(config: GitHostsSettings<P>): Partial<Record<P, GitHostConfig>> {
  const hosts: Partial<Record<P, GitHostConfig>> = {};
  for (const provider of Object.keys(config.hosts) as P[]) {
    const host = config.hosts[provider];
    if (!host.url) continue;
    hosts[provider] = {
      baseUrl: host.url,
      allowInsecureHttp: config.allowHttp.includes(provider),
      ...(host.token ? { credentials: { username: host.username ?? 'x-access-token', token: host.token } } : {}),
    };
  }
  return hosts;
}
