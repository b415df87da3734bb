import type { Readable } from 'node:stream';
import { SbomError } from './errors.js';
import { indexLayer, type IndexLayerOptions } from './layer-index.js';
import { mergeLayers } from './merge-layers.js';
import { CONTRIBUTION_FORMAT, type LayerContribution, type Sbom } from './model.js';

/** One layer, bottom first. */
export interface LayerInput {
  /** Layer blob digest (`sha256:…`): the cache key. */
  readonly digest: string;
  /**
   * The uncompressed tar (see `openLayer`), or a function that opens it — called only on a cache
   * miss, so a cached layer is never downloaded.
   */
  readonly tar: Readable | (() => Readable | Promise<Readable>);
}

/**
 * Where contributions are kept by layer digest (Redis in the service). The engine only calls it;
 * an implementation should key by `contributionCacheKey(digest)` so a format change starts afresh.
 * A failing cache must not fail the scan: implementations swallow (and log) their own errors.
 */
export interface LayerContributionCache {
  get(digest: string): Promise<LayerContribution | undefined>;
  set(digest: string, contribution: LayerContribution): Promise<void>;
}

export function contributionCacheKey(digest: string): string {
  return `sbom:layer:v${CONTRIBUTION_FORMAT}:${digest}`;
}

export interface ExtractSbomOptions extends IndexLayerOptions {
  readonly cache?: LayerContributionCache;
}

/** Indexes each layer (or takes it from the cache), then merges them. Throws `SbomError` on bad input. */
export async function extractSbom(layers: AsyncIterable<LayerInput> | Iterable<LayerInput>, options: ExtractSbomOptions = {}): Promise<Sbom> {
  const contributions: LayerContribution[] = [];
  for await (const layer of layers) {
    if (!layer.digest) throw new SbomError('INVALID_INPUT', 'layer digest is empty');
    const cached = await options.cache?.get(layer.digest);
    if (cached && cached.format === CONTRIBUTION_FORMAT && cached.digest === layer.digest) {
      if (typeof layer.tar !== 'function') layer.tar.destroy();
      contributions.push(cached);
      continue;
    }
    const cache = options.cache;
    const index = async (): Promise<LayerContribution> => {
      const tar = typeof layer.tar === 'function' ? await layer.tar() : layer.tar;
      const contribution = await indexLayer(layer.digest, tar, options);
      await cache?.set(layer.digest, contribution);
      return contribution;
    };
    if (!cache) {
      contributions.push(await index());
      continue;
    }
    // Concurrent scans sharing a cache (images on one base layer) index a layer once: later ones
    // wait for the first instead of pulling the same blob again.
    let pending = inflight.get(cache);
    if (!pending) inflight.set(cache, (pending = new Map()));
    const running = pending.get(layer.digest);
    if (running) {
      if (typeof layer.tar !== 'function') layer.tar.destroy();
      contributions.push(await running);
      continue;
    }
    const job = index();
    pending.set(layer.digest, job);
    try {
      contributions.push(await job);
    } finally {
      pending.delete(layer.digest);
    }
  }
  return mergeLayers(contributions);
}

/** Layers being indexed right now, per cache: one pull per layer digest within a process. */
const inflight = new WeakMap<LayerContributionCache, Map<string, Promise<LayerContribution>>>();

/** A cache in this process's memory (CLI, tests). */
export class InMemoryContributionCache implements LayerContributionCache {
  private readonly entries = new Map<string, string>();

  async get(digest: string): Promise<LayerContribution | undefined> {
    const json = this.entries.get(contributionCacheKey(digest));
    // Stored as JSON so a hit behaves exactly like one read back from Redis.
    return json === undefined ? undefined : (JSON.parse(json) as LayerContribution);
  }

  async set(digest: string, contribution: LayerContribution): Promise<void> {
    this.entries.set(contributionCacheKey(digest), JSON.stringify(contribution));
  }
}
