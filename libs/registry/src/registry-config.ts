import { RegistryError } from './registry.error.js';
import type { Platform } from './manifest.js';

/** Credentials for one registry. Never logged; errors name the registry only. */
export type RegistryCredentials =
  /** Username/password (or a personal access token as password): used for Basic challenges and sent to the token realm of Bearer challenges. */
  | { username: string; password: string }
  /** A ready bearer token (e.g. a cloud provider's short-lived registry token), sent as is. */
  | { bearerToken: string };

/** How to reach one registry. The registry host always comes from here, never from an image reference. */
export interface RegistryConfig {
  /** The registry name as it appears in image references: `ghcr.io`, `registry.example.com:5000`, `docker.io`. */
  registry: string;
  /** Base URL of its API (`https://ghcr.io`; `https://registry-1.docker.io` for docker.io). */
  url: string;
  /** Optional credentials; without them requests are anonymous. */
  credentials?: RegistryCredentials;
  /**
   * Docker's "insecure registry": allows a plain `http://` URL, and for `https://` skips certificate
   * verification. Only for registries an operator configured so; redirects to other hosts are still verified.
   */
  insecure?: boolean;
  /** Extra trusted CA certificate(s), PEM, added to the system roots for this registry. */
  caPem?: string;
}

/** Bounds on everything a registry sends us. Defaults: `DEFAULT_REGISTRY_LIMITS`. */
export interface RegistryLimits {
  /** Largest manifest or index body accepted (bytes). */
  maxManifestBytes: number;
  /** Largest image config accepted (bytes). */
  maxConfigBytes: number;
  /** Largest blob (compressed layer) accepted (bytes), checked against the descriptor and while streaming. */
  maxBlobBytes: number;
  /** Bound on the decompressed size of one layer: the bomb guard. */
  maxLayerUncompressedBytes: number;
  /** Most layers in one manifest. */
  maxLayers: number;
  /** Most entries in one index. */
  maxIndexEntries: number;
  /** Most redirects followed for one request. */
  maxRedirects: number;
  /** Time for a manifest/config/token request including its body, and for response headers of blob requests (ms). */
  requestTimeoutMs: number;
  /** Longest pause between two chunks of a blob body (ms). */
  bodyIdleTimeoutMs: number;
}

export const DEFAULT_REGISTRY_LIMITS: RegistryLimits = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxConfigBytes: 8 * 1024 * 1024,
  maxBlobBytes: 4 * 1024 * 1024 * 1024,
  maxLayerUncompressedBytes: 16 * 1024 * 1024 * 1024,
  maxLayers: 256,
  maxIndexEntries: 256,
  maxRedirects: 5,
  requestTimeoutMs: 30_000,
  bodyIdleTimeoutMs: 60_000,
};

/** Options of `RegistryClient`. */
export interface RegistryClientOptions {
  /** The registries we may talk to, one entry per registry name. */
  registries: RegistryConfig[];
  /**
   * When true, a reference naming a registry that is not configured is fetched anonymously
   * from `https://<registry>` (docker.io → `https://registry-1.docker.io`), with system CAs and
   * never insecure. Hosts that are IP literals or `localhost` are still refused, so a reference
   * cannot point the scanner at internal services. Default false: unconfigured → REGISTRY_NOT_CONFIGURED.
   */
  allowUnconfiguredPublic?: boolean;
  /** Platform picked from indexes when the caller names none. Default linux/amd64. */
  defaultPlatform?: Platform;
  /** Overrides of the default limits. */
  limits?: Partial<RegistryLimits>;
}

/** A validated registry configuration. */
export interface ResolvedRegistry {
  registry: string;
  origin: URL;
  credentials: RegistryCredentials | undefined;
  insecure: boolean;
  caPem: string | undefined;
}

export function validateRegistryConfig(config: RegistryConfig): ResolvedRegistry {
  const bad = (why: string): RegistryError => new RegistryError('INVALID_CONFIG', `registry ${config.registry}: ${why}`);
  if (!config.registry || /[/\s@]/.test(config.registry)) throw bad('registry name must be a host[:port]');
  let url: URL;
  try {
    url = new URL(config.url);
  } catch (error) {
    throw new RegistryError('INVALID_CONFIG', `registry ${config.registry}: url is not a valid URL`, { cause: error });
  }
  if (url.username || url.password) throw bad('url must not contain credentials; use credentials');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad('url must be http(s)');
  if (url.protocol === 'http:' && config.insecure !== true) throw bad('plain http needs insecure: true');
  if (url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) throw bad('url must be an origin without path');
  const creds = config.credentials;
  if (creds && 'username' in creds && (!creds.username || creds.username.includes(':'))) throw bad('username must be non-empty without ":"');
  if (config.caPem !== undefined && !config.caPem.includes('-----BEGIN CERTIFICATE-----')) throw bad('caPem is not a PEM certificate');
  return { registry: config.registry, origin: new URL(url.origin), credentials: creds, insecure: config.insecure === true, caPem: config.caPem };
}

/** Origin used for a registry that is not configured (only with `allowUnconfiguredPublic`). */
export function publicRegistry(registry: string): ResolvedRegistry {
  const host = registry.replace(/:\d+$/, '').toLowerCase();
  if (host === 'localhost' || host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host) || !host.includes('.')) {
    throw new RegistryError('REGISTRY_NOT_CONFIGURED', `registry ${registry} is not configured and is not a public DNS name`);
  }
  const origin = new URL(registry === 'docker.io' ? 'https://registry-1.docker.io' : `https://${registry}`);
  return { registry, origin, credentials: undefined, insecure: false, caPem: undefined };
}
