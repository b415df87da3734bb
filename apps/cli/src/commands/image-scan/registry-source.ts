import {
  formatImageReference,
  formatPlatform,
  parseImageReference,
  platformMatches,
  RegistryClient,
  RegistryError,
  type Platform,
  type RegistryCredentials,
} from '@portcullis/registry';
import { readFile } from 'node:fs/promises';
import { credentialsFromDockerConfig } from './docker-auth-file.js';
import { ImageSourceUsageError, type ImageSource } from './image-source.js';

/** How to reach the registry named in the reference. */
export interface RegistryAccess {
  /** Plain http (or https without certificate checks) for this registry. */
  insecure: boolean;
  /** Origin to use instead of `https://<registry>`. */
  url: string | undefined;
  /** A docker config file to take credentials from. */
  authFile: string | undefined;
  /** PORTCULLIS_REGISTRY_USERNAME / PORTCULLIS_REGISTRY_PASSWORD. */
  username: string | undefined;
  password: string | undefined;
}

/** Docker's rule for names that are not on the public internet: they need an explicit choice of scheme. */
function isPublicName(host: string): boolean {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name !== 'localhost' && !name.startsWith('[') && !/^\d+\.\d+\.\d+\.\d+$/.test(name) && name.includes('.');
}

async function credentialsOf(registry: string, access: RegistryAccess, warn: (line: string) => void): Promise<RegistryCredentials | undefined> {
  const { username, password } = access;
  if ((username === undefined) !== (password === undefined)) {
    throw new ImageSourceUsageError('set both PORTCULLIS_REGISTRY_USERNAME and PORTCULLIS_REGISTRY_PASSWORD, or neither');
  }
  if (username !== undefined && password !== undefined) {
    if (access.authFile !== undefined) warn(`credentials come from PORTCULLIS_REGISTRY_USERNAME/PASSWORD; ${access.authFile} is not read`);
    return { username, password };
  }
  if (access.authFile === undefined) return undefined;
  const text = await readFile(access.authFile, 'utf8').catch(() => {
    throw new ImageSourceUsageError(`--registry-auth-file ${access.authFile} cannot be read`);
  });
  const found = credentialsFromDockerConfig(text, registry, access.authFile);
  if (found.kind === 'found') return found.credentials;
  if (found.kind === 'unsupported') warn(`${found.reason}; pulling anonymously`);
  else warn(`${access.authFile} has no credentials for ${registry}; pulling anonymously`);
  return undefined;
}

/** Resolves a registry reference to one platform's image through `@portcullis/registry`. */
export async function openRegistryImage(
  ref: string,
  platform: Platform,
  platformExplicit: boolean,
  access: RegistryAccess,
  warn: (line: string) => void,
): Promise<ImageSource> {
  const reference = parseImageReference(ref);
  const host = reference.registry;
  if (access.url === undefined && !access.insecure && !isPublicName(host)) {
    throw new RegistryError(
      'REGISTRY_NOT_CONFIGURED',
      `registry ${host} is not a public DNS name: pass --registry-insecure (plain http) or --registry-url <https://…>`,
    );
  }
  const url = access.url ?? (access.insecure ? `http://${host}` : host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`);
  const credentials = await credentialsOf(host, access, warn);
  const client = new RegistryClient({
    registries: [{ registry: host, url, insecure: access.insecure, ...(credentials ? { credentials } : {}) }],
    defaultPlatform: platform,
  });
  try {
    const image = await client.resolve(reference, { platform });
    // A single-platform manifest is taken as it is, unless the user asked for another platform.
    if (image.indexDigest === undefined && platformExplicit && !platformMatches(image.platform, platform)) {
      throw new RegistryError('PLATFORM_NOT_FOUND', `${formatImageReference(reference)}: the image is ${formatPlatform(image.platform)}, not ${formatPlatform(platform)}`);
    }
    return {
      kind: 'registry',
      reference: formatImageReference(image.reference),
      digest: image.digest,
      platform: formatPlatform(image.platform),
      layers: image.manifest.layers.map((layer, i) => ({
        digest: layer.digest,
        size: layer.size,
        open: () => client.openLayer(image.reference, layer, { diffId: image.config.diffIds[i] }),
      })),
      close: () => client.close(),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}
