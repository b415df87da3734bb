#!/usr/bin/env node
// Our extraction, end to end from a registry reference: RegistryClient.resolve (manifest + config),
// then extractSbom over the layers, each opened with RegistryClient.openLayer (pull, digest and
// diff_id verification, gunzip) only on a contribution-cache miss — the image-scanner's path
// (apps/image-scanner/src/scan/scan-image.use-case.ts + adapters/registry-image.source.ts).
//
// As a module: `scanImage(...)` (run.mjs uses it in-process for the repeat-scan and fan-out
// measurements). As a program (run.mjs times it as a child process, cold, like syft):
//   node tools/bench/images/ours.mjs --registry-url http://127.0.0.1:5000 <host>/<repo>:<tag>
// prints {"packages":[[type,name,version],...],"layersPulled":n,"ms":{...}} on stdout.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RegistryClient } from '@portcullis/registry';
import { extractSbom } from '@portcullis/sbom';
// The default undici transport, wrapped below to count requests (not part of the public API).
import { undiciTransport } from '../../../libs/registry/dist/http-transport.js';

/** Counts requests per kind and blob GETs per digest, at the HTTP transport (below auth and redirects). */
export class RequestCounter {
  constructor() {
    this.byKind = { manifests: 0, blobs: 0, other: 0 };
    this.blobGets = new Map();
  }

  transportFor = (registry, limits) => {
    const inner = undiciTransport(registry, limits);
    return {
      send: async (req) => {
        const m = /\/v2\/.+\/(manifests|blobs)\/([^/?]+)$/.exec(req.url.pathname);
        const kind = m ? m[1] : 'other';
        this.byKind[kind] += 1;
        if (kind === 'blobs' && req.method === 'GET') this.blobGets.set(m[2], (this.blobGets.get(m[2]) ?? 0) + 1);
        return inner.send(req);
      },
      close: () => inner.close(),
    };
  };
}

export function makeClient(registryUrl, counter) {
  const registry = new URL(registryUrl).host;
  return new RegistryClient({ registries: [{ registry, url: registryUrl, insecure: true }] }, counter ? { transportFor: counter.transportFor } : {});
}

/**
 * Resolves `ref` and extracts its SBOM. `cache`: a LayerContributionCache (cold when omitted).
 * Returns { sbom, digest, layersPulled, ms: { resolve, extract, total } }.
 */
export async function scanImage(client, ref, { cache } = {}) {
  const t0 = performance.now();
  const image = await client.resolve(ref);
  const t1 = performance.now();
  let layersPulled = 0;
  const sbom = await extractSbom(
    image.manifest.layers.map((layer, i) => ({
      digest: layer.digest,
      tar: () => {
        layersPulled += 1;
        return client.openLayer(image.reference, layer, { diffId: image.config.diffIds[i] });
      },
    })),
    cache ? { cache } : {},
  );
  const t2 = performance.now();
  return { sbom, digest: image.digest, layersPulled, ms: { resolve: t1 - t0, extract: t2 - t1, total: t2 - t0 } };
}

export const packageTriples = (sbom) => sbom.packages.map((p) => [p.type, p.namespace ? `${p.namespace}:${p.name}` : p.name, p.version]);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ options: { 'registry-url': { type: 'string' } }, allowPositionals: true });
  if (!values['registry-url'] || positionals.length !== 1) {
    process.stderr.write('usage: node tools/bench/images/ours.mjs --registry-url URL <host>/<repo>:<tag>\n');
    process.exit(2);
  }
  const client = makeClient(values['registry-url']);
  try {
    const { sbom, layersPulled, ms, digest } = await scanImage(client, positionals[0]);
    process.stdout.write(`${JSON.stringify({ digest, layersPulled, ms, warnings: sbom.warnings.length, distro: sbom.distro, packages: packageTriples(sbom) })}\n`);
  } finally {
    await client.close();
  }
}
