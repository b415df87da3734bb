import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { parseAuthChallenges, pullScope, type AuthChallenge } from './auth-challenge.js';
import { undiciTransport, type ClosableTransport, type HttpResponse } from './http-transport.js';
import { assertRepository, DIGEST, formatImageReference, parseImageReference, type ImageReference } from './image-reference.js';
import {
  DEFAULT_PLATFORM,
  parseImageConfig,
  parseManifest,
  selectPlatform,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Platform,
} from './manifest.js';
import { baseMediaType, layerCompression, MANIFEST_ACCEPT } from './media-types.js';
import {
  DEFAULT_REGISTRY_LIMITS,
  publicRegistry,
  validateRegistryConfig,
  type RegistryClientOptions,
  type RegistryLimits,
  type ResolvedRegistry,
} from './registry-config.js';
import { RegistryError } from './registry.error.js';
import { ByteCap, DigestVerifier, link, readBounded } from './streams.js';

/** A fetched manifest or index with the digest that names its exact bytes. */
export interface FetchedManifest {
  /** Digest of the manifest bytes (verified against the reference or Docker-Content-Digest). */
  digest: string;
  manifest: ImageManifest | ImageIndex;
  /** The exact bytes, e.g. for signature checks. */
  bytes: Buffer;
}

/** What `resolve` returns: one single-platform image. */
export interface ResolvedImage {
  /** The normalized reference that was resolved. */
  reference: ImageReference;
  /** Digest of the platform manifest (the image's identity). */
  digest: string;
  /** Digest of the index it was chosen from, when the reference pointed at an index. */
  indexDigest?: string;
  manifest: ImageManifest;
  config: ImageConfig;
  /** Platform from the image config. */
  platform: Platform;
}

export interface ResolveOptions {
  /** Platform to pick from an index; default: the client's `defaultPlatform` (linux/amd64). */
  platform?: Platform;
}

export interface OpenLayerOptions {
  /** Uncompressed digest from the config (`diffIds[i]`); when given, the tar stream is verified against it too. */
  diffId?: string;
}

/** Ports of the client; the default uses undici. */
export interface RegistryClientDeps {
  transportFor?: (registry: ResolvedRegistry, limits: RegistryLimits) => ClosableTransport;
  /** Milliseconds since the epoch; for token expiry. */
  now?: () => number;
}

interface CachedAuth {
  header: string;
  expiresAt: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Client of the OCI Distribution API (pull side). Every registry it reaches is named in its
 * configuration; every byte it returns is verified against its digest; every read is bounded.
 */
export class RegistryClient {
  private readonly registries = new Map<string, ResolvedRegistry>();
  private readonly transports = new Map<string, ClosableTransport>();
  private readonly authCache = new Map<string, CachedAuth>();
  private readonly limits: RegistryLimits;
  private readonly defaultPlatform: Platform;
  private readonly allowUnconfiguredPublic: boolean;
  private readonly transportFor: (registry: ResolvedRegistry, limits: RegistryLimits) => ClosableTransport;
  private readonly now: () => number;

  constructor(options: RegistryClientOptions, deps: RegistryClientDeps = {}) {
    for (const config of options.registries) {
      const resolved = validateRegistryConfig(config);
      if (this.registries.has(resolved.registry)) throw new RegistryError('INVALID_CONFIG', `registry ${resolved.registry} is configured twice`);
      this.registries.set(resolved.registry, resolved);
    }
    this.limits = { ...DEFAULT_REGISTRY_LIMITS, ...options.limits };
    this.defaultPlatform = options.defaultPlatform ?? DEFAULT_PLATFORM;
    this.allowUnconfiguredPublic = options.allowUnconfiguredPublic === true;
    this.transportFor = deps.transportFor ?? undiciTransport;
    this.now = deps.now ?? Date.now;
  }

  /** Releases pooled connections. */
  async close(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close()));
    this.transports.clear();
  }

  /**
   * Resolves a reference to one image: fetches its manifest (through an index for the wanted
   * platform) and its config, all verified against their digests.
   */
  async resolve(ref: string | ImageReference, options: ResolveOptions = {}): Promise<ResolvedImage> {
    const reference = typeof ref === 'string' ? parseImageReference(ref) : ref;
    const wanted = options.platform ?? this.defaultPlatform;
    const top = await this.fetchManifest(reference);
    let fetched = top;
    let indexDigest: string | undefined;
    // an index may (rarely) point at another index; follow one level more, not forever
    for (let depth = 0; fetched.manifest.kind === 'index'; depth++) {
      if (depth >= 2) throw new RegistryError('MANIFEST_INVALID', `${formatImageReference(reference)}: indexes nested too deep`);
      indexDigest ??= fetched.digest;
      const chosen = selectPlatform(fetched.manifest, wanted);
      fetched = await this.fetchManifest({ ...reference, digest: chosen.digest }, chosen);
    }
    const manifest = fetched.manifest;
    const config = await this.fetchConfig(reference, manifest);
    if (config.diffIds.length !== manifest.layers.length) {
      throw new RegistryError(
        'MANIFEST_INVALID',
        `${reference.registry}/${reference.repository}@${fetched.digest}: ${manifest.layers.length} layers but ${config.diffIds.length} diff_ids in the config`,
      );
    }
    const platform: Platform = { os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) };
    return { reference, digest: fetched.digest, ...(indexDigest ? { indexDigest } : {}), manifest, config, platform };
  }

  /**
   * Fetches a manifest or index by the reference's digest (preferred) or tag. With `descriptor`
   * (an index entry), its size and digest are enforced too.
   */
  async fetchManifest(ref: string | ImageReference, descriptor?: Descriptor): Promise<FetchedManifest> {
    const reference = typeof ref === 'string' ? parseImageReference(ref) : ref;
    const registry = this.registryFor(reference.registry);
    const target = reference.digest ?? reference.tag ?? 'latest';
    const what = `manifest ${reference.registry}/${reference.repository}@${target}`;
    if (descriptor && descriptor.size > this.limits.maxManifestBytes) {
      throw new RegistryError('SIZE_LIMIT', `${what}: descriptor size ${descriptor.size} above ${this.limits.maxManifestBytes}`);
    }
    const signal = AbortSignal.timeout(this.limits.requestTimeoutMs);
    const res = await this.get(registry, reference.repository, `manifests/${target}`, { accept: MANIFEST_ACCEPT, signal, what });
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limits.maxManifestBytes) {
      res.body.destroy();
      throw new RegistryError('SIZE_LIMIT', `${what}: ${declared} bytes, limit ${this.limits.maxManifestBytes}`);
    }
    const bytes = await this.guard(readBounded(res.body, this.limits.maxManifestBytes, what), what);
    const digest = verifyContentDigest(bytes, reference.digest ?? descriptor?.digest, res.headers['docker-content-digest'], what);
    if (descriptor && bytes.length !== descriptor.size) {
      throw new RegistryError('DIGEST_MISMATCH', `${what}: ${bytes.length} bytes, index entry says ${descriptor.size}`);
    }
    const manifest = parseManifest(bytes, baseMediaType(res.headers['content-type']), this.limits, what);
    if (descriptor && manifest.mediaType !== descriptor.mediaType) {
      throw new RegistryError('MANIFEST_INVALID', `${what}: media type ${manifest.mediaType}, index entry says ${descriptor.mediaType}`);
    }
    return { digest, manifest, bytes };
  }

  /** Fetches and parses the image config of a manifest (verified, at most `maxConfigBytes`). */
  async fetchConfig(ref: string | ImageReference, manifest: ImageManifest): Promise<ImageConfig> {
    const reference = typeof ref === 'string' ? parseImageReference(ref) : ref;
    const what = `config ${reference.registry}/${reference.repository}@${manifest.config.digest}`;
    if (manifest.config.size > this.limits.maxConfigBytes) {
      throw new RegistryError('SIZE_LIMIT', `${what}: ${manifest.config.size} bytes, limit ${this.limits.maxConfigBytes}`);
    }
    const stream = await this.openBlob(reference, manifest.config);
    const bytes = await this.guard(readBounded(stream, this.limits.maxConfigBytes, what), what);
    return parseImageConfig(bytes, manifest.config.mediaType, what);
  }

  /**
   * Opens a blob as a stream that is verified while it flows: it errors with DIGEST_MISMATCH
   * when the bytes or their count differ from the descriptor, before signalling its end.
   * Redirects (e.g. to object storage) are followed without our credentials.
   */
  async openBlob(ref: string | ImageReference, descriptor: Descriptor): Promise<Readable> {
    const reference = typeof ref === 'string' ? parseImageReference(ref) : ref;
    const registry = this.registryFor(reference.registry);
    assertRepository(reference.repository);
    const what = `blob ${reference.registry}/${reference.repository}@${descriptor.digest}`;
    if (!DIGEST.test(descriptor.digest)) throw new RegistryError('MANIFEST_INVALID', `${what}: bad digest`);
    if (descriptor.size > this.limits.maxBlobBytes) {
      throw new RegistryError('SIZE_LIMIT', `${what}: ${descriptor.size} bytes, limit ${this.limits.maxBlobBytes}`);
    }
    // the signal covers only the wait for headers; the body is bounded by the idle timeout
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new RegistryError('TIMEOUT', `${what}: no response within ${this.limits.requestTimeoutMs} ms`)), this.limits.requestTimeoutMs);
    let res: HttpResponse;
    try {
      res = await this.get(registry, reference.repository, `blobs/${descriptor.digest}`, { signal: controller.signal, what });
    } finally {
      clearTimeout(timer);
    }
    const declared = Number(res.headers['content-length']);
    if (res.headers['content-length'] !== undefined && Number.isFinite(declared) && declared !== descriptor.size) {
      res.body.destroy();
      throw new RegistryError('DIGEST_MISMATCH', `${what}: Content-Length ${declared}, descriptor says ${descriptor.size}`);
    }
    return link(res.body, new DigestVerifier(descriptor.digest, descriptor.size, what), (e) => networkError(e, what));
  }

  /**
   * Opens a layer as its uncompressed tar stream: the blob is digest-verified, decompressed
   * (gzip or zstd, by media type) and cut off with SIZE_LIMIT past `maxLayerUncompressedBytes`.
   * Corrupt or truncated compression fails with LAYER_CORRUPT.
   */
  async openLayer(ref: string | ImageReference, descriptor: Descriptor, options: OpenLayerOptions = {}): Promise<Readable> {
    const reference = typeof ref === 'string' ? parseImageReference(ref) : ref;
    const what = `layer ${reference.registry}/${reference.repository}@${descriptor.digest}`;
    const compression = layerCompression(descriptor.mediaType);
    if (compression === undefined) {
      throw new RegistryError('UNSUPPORTED_MEDIA_TYPE', `${what}: unsupported layer media type ${descriptor.mediaType.slice(0, 100)}`);
    }
    if (options.diffId !== undefined && !DIGEST.test(options.diffId)) throw new RegistryError('MANIFEST_INVALID', `${what}: bad diff_id`);
    const blob = await this.openBlob(reference, descriptor);
    const corrupt = (error: unknown): Error =>
      error instanceof RegistryError ? error : new RegistryError('LAYER_CORRUPT', `${what}: ${compression} data is corrupt or truncated`, { cause: error });
    let stream: Readable = blob;
    if (compression !== 'none') {
      const decompressor = compression === 'gzip' ? createGunzip() : createZstdDecompress();
      stream = link(blob, decompressor, corrupt);
      // zlib errors of the decompressor itself
      stream = link(stream, new PassThrough(), corrupt);
    }
    stream = link(stream, new ByteCap(this.limits.maxLayerUncompressedBytes, what));
    if (options.diffId !== undefined) stream = link(stream, new DigestVerifier(options.diffId, undefined, `${what} (uncompressed)`));
    return stream;
  }

  // ---------------------------------------------------------------------------------- internals

  private registryFor(name: string): ResolvedRegistry {
    const configured = this.registries.get(name);
    if (configured) return configured;
    if (!this.allowUnconfiguredPublic) {
      throw new RegistryError('REGISTRY_NOT_CONFIGURED', `registry ${name.slice(0, 255)} is not configured`);
    }
    return publicRegistry(name);
  }

  private transport(registry: ResolvedRegistry): ClosableTransport {
    let t = this.transports.get(registry.registry);
    if (!t) {
      t = this.transportFor(registry, this.limits);
      this.transports.set(registry.registry, t);
    }
    return t;
  }

  private async guard<T>(promise: Promise<T>, what: string): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      throw networkError(error, what);
    }
  }

  /** GET `/v2/<repo>/<path>` with auth challenges handled and the final status checked. */
  private async get(
    registry: ResolvedRegistry,
    repository: string,
    path: string,
    options: { accept?: string; signal: AbortSignal; what: string },
  ): Promise<HttpResponse> {
    assertRepository(repository);
    const url = new URL(`/v2/${repository}/${path}`, registry.origin);
    const cacheKey = `${registry.registry}|${repository}`;
    let auth = this.cachedAuth(cacheKey) ?? staticBearer(registry);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { 'user-agent': 'portcullis-registry' };
      if (options.accept) headers['accept'] = options.accept;
      if (auth) headers['authorization'] = auth;
      const res = await this.followRedirects(registry, url, headers, options.signal, options.what);
      if (res.status === 401 && attempt === 0) {
        res.body.resume();
        const header = await this.authorize(registry, repository, parseAuthChallenges(res.headers['www-authenticate']), options.what);
        this.authCache.set(cacheKey, header);
        auth = header.header;
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      throw await statusError(res, options.what);
    }
  }

  private cachedAuth(key: string): string | undefined {
    const hit = this.authCache.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.now()) {
      this.authCache.delete(key);
      return undefined;
    }
    return hit.header;
  }

  /**
   * Follows redirects itself so that it can drop credentials: `Authorization` goes only to the
   * registry's own origin, and once a redirect has left that origin it is never sent again.
   * https → http downgrades are refused.
   */
  private async followRedirects(
    registry: ResolvedRegistry,
    start: URL,
    headers: Record<string, string>,
    signal: AbortSignal,
    what: string,
  ): Promise<HttpResponse> {
    let url = start;
    let leftOrigin = false;
    const send = this.transport(registry).send;
    for (let hop = 0; ; hop++) {
      const registryOrigin = url.origin === registry.origin.origin;
      leftOrigin ||= !registryOrigin;
      const hopHeaders = { ...headers };
      if (leftOrigin) delete hopHeaders['authorization'];
      let res: HttpResponse;
      try {
        res = await send({ method: 'GET', url, headers: hopHeaders, signal, registryOrigin });
      } catch (error) {
        throw networkError(error, what);
      }
      if (!REDIRECTS.has(res.status)) return res;
      res.body.resume();
      if (hop >= this.limits.maxRedirects) throw new RegistryError('REDIRECT_REFUSED', `${what}: more than ${this.limits.maxRedirects} redirects`);
      const location = res.headers['location'];
      if (!location) throw new RegistryError('REDIRECT_REFUSED', `${what}: redirect without Location`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        throw new RegistryError('REDIRECT_REFUSED', `${what}: redirect to an invalid URL`, { cause: error });
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new RegistryError('REDIRECT_REFUSED', `${what}: redirect to a non-http scheme`);
      const downgrade = next.protocol === 'http:' && !(registry.insecure && next.origin === registry.origin.origin);
      if (downgrade) throw new RegistryError('REDIRECT_REFUSED', `${what}: redirect to plain http (${next.host})`);
      url = next;
    }
  }

  /** Turns a 401 challenge into an Authorization header (fetching a token for Bearer). */
  private async authorize(registry: ResolvedRegistry, repository: string, challenges: AuthChallenge[], what: string): Promise<CachedAuth> {
    const creds = registry.credentials;
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      if (creds && 'bearerToken' in creds) {
        throw new RegistryError('AUTH_FAILED', `${what}: registry ${registry.registry} rejected the configured bearer token`);
      }
      return this.fetchToken(registry, repository, bearer, what);
    }
    if (basic) {
      if (!creds || !('username' in creds)) {
        throw new RegistryError('AUTH_FAILED', `${what}: registry ${registry.registry} requires credentials (Basic) and none are configured`);
      }
      const header = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      return { header, expiresAt: Number.POSITIVE_INFINITY };
    }
    throw new RegistryError('AUTH_FAILED', `${what}: registry ${registry.registry} answered 401 without a usable challenge`);
  }

  private async fetchToken(registry: ResolvedRegistry, repository: string, challenge: AuthChallenge, what: string): Promise<CachedAuth> {
    const realm = challenge.params['realm'];
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch (error) {
      throw new RegistryError('AUTH_FAILED', `${what}: bearer challenge has no valid realm`, { cause: error });
    }
    // the realm is named by the registry we chose; still never send credentials over plain http
    // unless this registry is explicitly insecure
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && registry.insecure)) {
      throw new RegistryError('AUTH_FAILED', `${what}: token realm ${url.host} is not https`);
    }
    if (url.username || url.password) throw new RegistryError('AUTH_FAILED', `${what}: token realm URL carries credentials`);
    if (challenge.params['service']) url.searchParams.set('service', challenge.params['service']);
    // the scope we need is pull on this repository, whatever the challenge asked for
    url.searchParams.set('scope', pullScope(repository));
    const headers: Record<string, string> = { 'user-agent': 'portcullis-registry', accept: 'application/json' };
    const creds = registry.credentials;
    if (creds && 'username' in creds) headers['authorization'] = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const signal = AbortSignal.timeout(this.limits.requestTimeoutMs);
    let res: HttpResponse;
    try {
      res = await this.transport(registry).send({ method: 'GET', url, headers, signal, registryOrigin: url.origin === registry.origin.origin });
    } catch (error) {
      throw networkError(error, `${what} (token)`);
    }
    if (res.status === 401 || res.status === 403) {
      res.body.resume();
      throw new RegistryError('AUTH_FAILED', `${what}: token service of ${registry.registry} refused ${creds ? 'the configured credentials' : 'anonymous access'} (${res.status})`);
    }
    if (res.status !== 200) throw await statusError(res, `${what} (token)`);
    const body = await this.guard(readBounded(res.body, 64 * 1024, `${what} (token)`), what);
    let token: unknown;
    let expiresIn: unknown;
    try {
      const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      token = json['token'] ?? json['access_token'];
      expiresIn = json['expires_in'];
    } catch (error) {
      throw new RegistryError('AUTH_FAILED', `${what}: token service answered invalid JSON`, { cause: error });
    }
    if (typeof token !== 'string' || token.length === 0 || /[\r\n]/.test(token)) throw new RegistryError('AUTH_FAILED', `${what}: token service answered no token`);
    // docker's token spec: default lifetime 60 s; renew a little early
    const lifetimeS = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 60;
    return { header: `Bearer ${token}`, expiresAt: this.now() + Math.max(0, lifetimeS - 10) * 1000 };
  }
}

function staticBearer(registry: ResolvedRegistry): string | undefined {
  const creds = registry.credentials;
  return creds && 'bearerToken' in creds ? `Bearer ${creds.bearerToken}` : undefined;
}

/**
 * Checks manifest bytes against the digest that named them (a digest reference or an index
 * entry), or, for a tag, against the registry's Docker-Content-Digest when it sent a sha256 one.
 */
function verifyContentDigest(bytes: Buffer, expected: string | undefined, headerDigest: string | undefined, what: string): string {
  if (expected !== undefined) {
    const [algorithm] = expected.split(':') as [string];
    const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
    if (actual !== expected) throw new RegistryError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}`);
    return actual;
  }
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (headerDigest?.startsWith('sha256:') && headerDigest.trim() !== actual) {
    throw new RegistryError('DIGEST_MISMATCH', `${what}: content hashes to ${actual}, registry says ${headerDigest.trim().slice(0, 80)}`);
  }
  return actual;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent/invalid. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v), 86_400) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), 86_400_000);
}

async function statusError(res: HttpResponse, what: string): Promise<RegistryError> {
  // registries explain errors as {"errors":[{"code":"MANIFEST_UNKNOWN",…}]}; keep only the codes
  let codes = '';
  try {
    const body = await readBounded(res.body, 16 * 1024, what);
    const json = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown }[] };
    codes = (json.errors ?? [])
      .map((e) => (typeof e.code === 'string' ? e.code.slice(0, 40) : ''))
      .filter(Boolean)
      .slice(0, 5)
      .join(',');
  } catch {
    res.body.destroy();
  }
  const detail = `${what}: HTTP ${res.status}${codes ? ` ${codes}` : ''}`;
  const retryAfterMs = parseRetryAfter(res.headers['retry-after']);
  if (res.status === 404) return new RegistryError('NOT_FOUND', detail);
  if (res.status === 401 || res.status === 403) return new RegistryError('AUTH_FAILED', detail);
  if (res.status === 429) return new RegistryError('RATE_LIMITED', detail, retryAfterMs !== undefined ? { retryAfterMs } : {});
  if (res.status >= 500) return new RegistryError('REGISTRY_UNAVAILABLE', detail, retryAfterMs !== undefined ? { retryAfterMs } : {});
  if (res.status >= 400) return new RegistryError('REQUEST_REJECTED', detail);
  return new RegistryError('REGISTRY_UNAVAILABLE', `${detail} (unexpected status)`);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** Maps transport failures to NETWORK/TIMEOUT; RegistryErrors pass unchanged. */
function networkError(error: unknown, what: string): RegistryError {
  if (error instanceof RegistryError) return error;
  if (error instanceof Error && error.cause instanceof RegistryError) return error.cause;
  const code = (error as { code?: unknown } | undefined)?.code;
  const name = error instanceof Error ? error.name : '';
  if ((typeof code === 'string' && TIMEOUT_CODES.has(code)) || name === 'TimeoutError') {
    return new RegistryError('TIMEOUT', `${what}: timed out`, { cause: error });
  }
  return new RegistryError('NETWORK', `${what}: ${typeof code === 'string' ? code : name || 'network error'}`, { cause: error });
}
