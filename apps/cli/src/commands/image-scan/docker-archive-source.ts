import { formatPlatform, MediaTypes, parseImageConfig, platformMatches, RegistryError, type Platform } from '@portcullis/registry';
import { createHash } from 'node:crypto';
import { ImageSourceUsageError, type ImageSource } from './image-source.js';
import { decompressed, readRange, sniffCompression, verifyRange, verifyUncompressed } from './local-blob.js';
import { TarIndex } from './tar-index.js';

const MAX_JSON_BYTES = 8 * 1024 * 1024;

interface ArchiveImage {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * A `docker save` archive: `manifest.json` naming each image's config file and layer tars (the
 * legacy `<id>/layer.tar` layout and the OCI-style `blobs/sha256/…` one of Docker ≥ 25 alike).
 * The archive has no manifest blob, so the config (the image id) is checked against its file name
 * when that is a digest, and every layer against the config's `diff_ids` before it is indexed.
 */
export async function openDockerArchive(path: string, repoTag: string | undefined, platform: Platform, platformExplicit: boolean): Promise<ImageSource> {
  const tar = await TarIndex.read(path);
  const manifestRange = tar.get('manifest.json');
  if (!manifestRange) throw new RegistryError('MANIFEST_INVALID', `${path}: no manifest.json (not a docker save archive)`);
  const images = parseArchiveManifest(await readRange(manifestRange, MAX_JSON_BYTES, `${path}: manifest.json`), path);
  const image = chooseImage(images, path, repoTag);

  const configRange = tar.get(image.Config);
  if (!configRange) throw new RegistryError('NOT_FOUND', `${path}: config ${image.Config} is missing`);
  const configBytes = await readRange(configRange, MAX_JSON_BYTES, `${path}: ${image.Config}`);
  const imageId = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
  const named = /(?:^|\/)([a-f0-9]{64})(?:\.json)?$/.exec(image.Config)?.[1];
  if (named !== undefined && `sha256:${named}` !== imageId) {
    throw new RegistryError('DIGEST_MISMATCH', `${path}: config ${image.Config} hashes to ${imageId}`);
  }
  const config = parseImageConfig(configBytes, MediaTypes.dockerConfig, `${path}: ${image.Config}`);
  if (config.diffIds.length !== image.Layers.length) {
    throw new RegistryError('MANIFEST_INVALID', `${path}: ${image.Layers.length} layers but ${config.diffIds.length} diff_ids in the config`);
  }
  const actual: Platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
  if (platformExplicit && !platformMatches(actual, platform)) {
    throw new RegistryError('PLATFORM_NOT_FOUND', `${path}: the image is ${formatPlatform(actual)}, not ${formatPlatform(platform)}`);
  }
  const layers = image.Layers.map((name, i) => {
    const diffId = config.diffIds[i]!;
    const range = tar.get(name);
    if (!range) throw new RegistryError('NOT_FOUND', `${path}: layer ${name} is missing`);
    return {
      digest: diffId,
      size: range.length,
      open: async () => {
        const what = `${path}: layer ${name}`;
        const compression = await sniffCompression(range);
        if (compression === 'none') await verifyRange(range, diffId, undefined, what);
        else await verifyUncompressed(range, compression, diffId, what);
        return decompressed(range, compression, what);
      },
    };
  });
  return {
    kind: 'docker-archive',
    reference: repoTag === undefined ? path : `${path}:${repoTag}`,
    digest: imageId,
    platform: formatPlatform(actual),
    layers,
    close: async () => {},
  };
}

function parseArchiveManifest(bytes: Buffer, path: string): ArchiveImage[] {
  const bad = (why: string) => new RegistryError('MANIFEST_INVALID', `${path}: manifest.json ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad('is not JSON');
  }
  if (!Array.isArray(json) || json.length === 0) throw bad('lists no images');
  return json.map((entry: unknown, i) => {
    const e = entry as Partial<ArchiveImage> | null;
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string')) {
      throw bad(`entry ${i} needs Config and Layers`);
    }
    const tags = Array.isArray(e.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { Config: e.Config, Layers: e.Layers, RepoTags: tags };
  });
}

function chooseImage(images: ArchiveImage[], path: string, repoTag: string | undefined): ArchiveImage {
  const tags = images.flatMap((i) => i.RepoTags ?? []);
  if (repoTag !== undefined) {
    const found = images.find((i) => i.RepoTags?.includes(repoTag));
    if (!found) throw new ImageSourceUsageError(`${path} has no image tagged ${repoTag}${tags.length ? ` (it has: ${tags.join(', ')})` : ''}`);
    return found;
  }
  if (images.length > 1) throw new ImageSourceUsageError(`${path} holds ${images.length} images; name one as ${path}:<repo:tag> (${tags.join(', ') || 'untagged'})`);
  return images[0]!;
}
