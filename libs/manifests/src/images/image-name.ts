/** An image reference from a manifest, split the way registries (and the container runtime) read it. */
export interface ParsedImageName {
  /** Normalised registry host: `docker.io` for Docker Hub (also `index.docker.io` or no host). */
  registry: string;
  /** Normalised repository: `library/nginx` for a Docker Hub official image written `nginx`. */
  repository: string;
  tag?: string;
  /** `algorithm:hex` as written, when pinned. */
  digest?: string;
}

const DOCKER_HUB = 'docker.io';
const DIGEST = /^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * Splits `[host[:port]/]path[:tag][@digest]` like the docker reference grammar: the first path
 * component is a host when it has a `.` or `:`, or is `localhost`; otherwise the image is on
 * Docker Hub, where a single-component name lives under `library/`. Undefined for a string that is
 * no image reference (empty, upper-case path, bad tag).
 */
export function parseImageName(image: string): ParsedImageName | undefined {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (rest.length === 0) return undefined;
  const { registry, repository } = normaliseRepository(rest);
  if (!/^[a-z0-9]+([._-]+[a-z0-9]+)*(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/.test(repository)) return undefined;
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `registry/repository` in normalised form, for matching a manifest's image to a declared one. */
export function normaliseRepository(name: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  let registry: string;
  let repository: string;
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first.toLowerCase();
    repository = name.slice(slash + 1);
  } else {
    registry = DOCKER_HUB;
    repository = name;
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository };
}

/** True when the image is pinned by a sha256 digest (whatever tag stands beside it). */
export function isDigestPinned(image: string): boolean {
  const parsed = parseImageName(image);
  return parsed?.digest !== undefined && SHA256_DIGEST.test(parsed.digest);
}
