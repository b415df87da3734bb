import type { RegistryCredentials } from '@portcullis/registry';
import { ImageSourceUsageError } from './image-source.js';

/** What a docker `config.json` holds for one registry. */
export type DockerConfigLookup =
  | { kind: 'found'; credentials: RegistryCredentials }
  | { kind: 'none' }
  /** The file delegates to a credential helper (which we do not run) or holds an OAuth refresh token. */
  | { kind: 'unsupported'; reason: string };

interface AuthEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

/** The keys `docker login` may have written for a registry (Docker Hub has its historic v1 URL). */
function keysFor(registry: string): string[] {
  const keys = [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
  if (registry === 'docker.io') keys.unshift('https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io');
  return keys;
}

/**
 * Credentials for `registry` from the text of a docker config file (`~/.docker/config.json`).
 * Errors never quote the file: it holds secrets.
 */
export function credentialsFromDockerConfig(text: string, registry: string, file: string): DockerConfigLookup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ImageSourceUsageError(`${file} is not a JSON docker config file`);
  }
  if (typeof json !== 'object' || json === null) throw new ImageSourceUsageError(`${file} is not a JSON docker config file`);
  const config = json as { auths?: unknown; credHelpers?: unknown; credsStore?: unknown };
  const auths = (typeof config.auths === 'object' && config.auths !== null ? config.auths : {}) as Record<string, AuthEntry | undefined>;
  const key = keysFor(registry).find((k) => Object.hasOwn(auths, k));
  const entry = key === undefined ? undefined : auths[key];
  if (entry && typeof entry === 'object') {
    if (typeof entry.registrytoken === 'string' && entry.registrytoken) return { kind: 'found', credentials: { bearerToken: entry.registrytoken } };
    if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username) {
      return { kind: 'found', credentials: { username: entry.username, password: entry.password } };
    }
    if (typeof entry.auth === 'string' && entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw new ImageSourceUsageError(`${file}: the auth entry for ${registry} is not base64 of user:password`);
      return { kind: 'found', credentials: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } };
    }
    if (typeof entry.identitytoken === 'string' && entry.identitytoken) {
      return { kind: 'unsupported', reason: `${file}: the entry for ${registry} holds an identity token (OAuth refresh token), which is not supported` };
    }
  }
  const helpers = (typeof config.credHelpers === 'object' && config.credHelpers !== null ? config.credHelpers : {}) as Record<string, unknown>;
  if (typeof helpers[registry] === 'string' || (entry === undefined && typeof config.credsStore === 'string' && config.credsStore)) {
    return { kind: 'unsupported', reason: `${file}: credentials for ${registry} live in a credential helper, which is not run; use PORTCULLIS_REGISTRY_USERNAME/PASSWORD` };
  }
  return { kind: 'none' };
}
