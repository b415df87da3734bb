import { RegistryError } from './registry.error.js';

/** A parsed, normalized image reference (`docker.io/library/alpine:3.19@sha256:…`). */
export interface ImageReference {
  /** Registry name as written in references and in `RegistryConfig.registry`, e.g. `ghcr.io`, `127.0.0.1:5000`, `docker.io`. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/alpine`. */
  repository: string;
  /** Tag, if given. `latest` is filled in only when neither tag nor digest is given. */
  tag?: string;
  /** Content digest (`sha256:<64 hex>`), if given; it wins over the tag when fetching. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';

// The grammar of distribution's reference package (reference/regexp.go), rewritten here.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]{1,5})?$/;
const IPV6_DOMAIN = /^\[[0-9a-fA-F:.]+\](?::[0-9]{1,5})?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
export const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_NAME_LENGTH = 255;
const MAX_REFERENCE_LENGTH = 1024;

function invalid(ref: string, why: string): RegistryError {
  // the reference is user input: bound what we echo
  return new RegistryError('INVALID_REFERENCE', `invalid image reference "${ref.slice(0, 200)}": ${why}`);
}

/**
 * Parses a docker-style reference: `[registry/]namespace/repo[:tag][@sha256:…]`. The first path
 * component is a registry when it contains `.` or `:` or is `localhost` (Docker's rule);
 * otherwise the registry is `docker.io`, where one-component names get the `library/` prefix.
 */
export function parseImageReference(ref: string): ImageReference {
  if (typeof ref !== 'string' || ref.length === 0) throw invalid(String(ref), 'empty');
  if (ref.length > MAX_REFERENCE_LENGTH) throw invalid(ref, 'too long');
  if (/\s/.test(ref)) throw invalid(ref, 'contains whitespace');
  if (ref.includes('://')) throw invalid(ref, 'a reference has no scheme');

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(ref, 'digest must be sha256:<64 hex> or sha512:<128 hex>');
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > lastSlash) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid(ref, 'tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
  }

  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
    if (!DOMAIN.test(first) && !IPV6_DOMAIN.test(first)) throw invalid(ref, 'registry host is not valid');
    registry = first;
    parts.shift();
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (parts.length === 0 || parts.some((p) => !PATH_COMPONENT.test(p))) {
    throw invalid(ref, 'repository path components must be lowercase [a-z0-9] separated by . _ __ or -');
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length > MAX_NAME_LENGTH) throw invalid(ref, 'repository name longer than 255 characters');

  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Canonical string form: `registry/repository[:tag][@digest]`. */
export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** Validates a repository path (e.g. from a descriptor-level API call). */
export function assertRepository(repository: string): void {
  if (repository.length > MAX_NAME_LENGTH || !repository.split('/').every((p) => PATH_COMPONENT.test(p))) {
    throw invalid(repository, 'not a valid repository path');
  }
}
