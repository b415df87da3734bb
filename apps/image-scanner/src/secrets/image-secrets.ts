import { type ImageSecretSkip, type Severity } from '@portcullis/contracts';
import { type LayerSecrets, type SecretEngine, type SecretHit } from './layer-secrets.js';

/** Findings a cached scan keeps for judging; more are counted per severity and always count. */
export const MAX_KEPT_SECRET_FINDINGS = 500;
/** Skips a cached scan keeps (binaries are only counted). */
export const MAX_KEPT_SECRET_SKIPS = 20;
/** Environment entries and history steps scanned; a config with more is cut and the cut reported. */
const MAX_CONFIG_ITEMS = 1000;
/** Longest env entry or `created_by` scanned (a build step can inline a whole script). */
const MAX_CONFIG_TEXT = 64 * 1024;

/** What the scan reads from the image config besides the layers. */
export interface ImageConfigText {
  /** `Env` of the config, `NAME=value` each. */
  readonly env: readonly string[];
  /** `history` in order: `created_by` and whether the step made a layer. */
  readonly history: readonly { readonly createdBy: string; readonly emptyLayer: boolean }[];
}

/** A finding of the image, before any policy: where it is, and whether a later layer deletes it. */
export interface ImageSecretHit extends SecretHit {
  readonly source: 'layer' | 'env' | 'history';
  readonly layerDigest?: string;
  readonly deletedLater: boolean;
}

/** The secret scan of an image, independent of policy and triage: what the result cache keeps. */
export interface ImageSecretsScan {
  /** Most severe first, at most `MAX_KEPT_SECRET_FINDINGS`. */
  readonly findings: readonly ImageSecretHit[];
  /** Findings not kept, per severity: they count against every verdict (nothing can suppress them). */
  readonly overflow: Partial<Record<Severity, number>>;
  readonly skipped: readonly { readonly reason: string; readonly files: number }[];
  readonly skips: readonly ImageSecretSkip[];
  readonly skipsTotal: number;
  readonly stats: { readonly layers: number; readonly files: number; readonly bytes: number };
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 };

/** The config's env and history as scanned text; whatever is not scanned is reported as a skip. */
export async function scanConfigSecrets(
  config: ImageConfigText,
  layers: readonly string[],
  engine: SecretEngine,
): Promise<{ findings: ImageSecretHit[]; skips: { path: string; reason: string }[] }> {
  const findings: ImageSecretHit[] = [];
  const skips: { path: string; reason: string }[] = [];
  const env = config.env.slice(0, MAX_CONFIG_ITEMS);
  if (config.env.length > env.length) skips.push({ path: 'config.env', reason: 'TOO_MANY_ENTRIES' });
  const scans: Promise<void>[] = [];
  for (const entry of env) {
    const eq = entry.indexOf('=');
    const name = (eq === -1 ? entry : entry.slice(0, eq)).slice(0, 200);
    const path = `config.env[${name}]`;
    if (entry.length > MAX_CONFIG_TEXT) {
      skips.push({ path, reason: 'TOO_LARGE' });
      continue;
    }
    scans.push(
      engine.scan({ path, content: entry }).then((r) => {
        skips.push(...r.skips.map((s) => ({ path, reason: s.reason })));
        findings.push(...r.findings.map((f) => hit(f, { source: 'env' })));
      }),
    );
  }
  // Each step that made a layer owns the next layer digest, in order.
  let layerIndex = 0;
  config.history.slice(0, MAX_CONFIG_ITEMS).forEach((step, i) => {
    const layerDigest = step.emptyLayer ? undefined : layers[layerIndex++];
    const path = `history[${i}]`;
    if (step.createdBy.length === 0) return;
    if (step.createdBy.length > MAX_CONFIG_TEXT) {
      skips.push({ path, reason: 'TOO_LARGE' });
      return;
    }
    scans.push(
      engine.scan({ path, content: step.createdBy }).then((r) => {
        skips.push(...r.skips.map((s) => ({ path, reason: s.reason })));
        findings.push(...r.findings.map((f) => hit(f, { source: 'history', ...(layerDigest ? { layerDigest } : {}) })));
      }),
    );
  });
  if (config.history.length > MAX_CONFIG_ITEMS) skips.push({ path: 'history', reason: 'TOO_MANY_ENTRIES' });
  await Promise.all(scans);
  return { findings, skips };
}

/**
 * Joins the layers' results (bottom first) and the config's: a finding in a file some later layer
 * deletes stays a finding (the layer still ships it) and is marked `deletedLater`.
 */
export function buildImageSecrets(layers: readonly LayerSecrets[], config: { findings: readonly ImageSecretHit[]; skips: readonly { path: string; reason: string }[] }): ImageSecretsScan {
  const all: ImageSecretHit[] = [];
  const overflow: Partial<Record<Severity, number>> = {};
  const skipped = new Map<string, number>();
  const skips: ImageSecretSkip[] = [];
  let skipsTotal = 0;
  let files = 0;
  let bytes = 0;
  layers.forEach((layer, i) => {
    const later = layers.slice(i + 1);
    for (const f of layer.findings) {
      const deletedLater = later.some((l) => l.whiteouts.some((w) => isAtOrBelow(f.path, w)) || l.opaqueDirs.some((d) => isBelow(f.path, d)));
      all.push({ ...f, source: 'layer', layerDigest: layer.digest, deletedLater });
    }
    for (const [severity, n] of Object.entries(layer.overflow) as [Severity, number][]) overflow[severity] = (overflow[severity] ?? 0) + n;
    for (const [reason, n] of Object.entries(layer.skipped)) {
      skipped.set(reason, (skipped.get(reason) ?? 0) + n);
      if (reason !== 'BINARY') skipsTotal += n;
    }
    for (const s of layer.skips) if (skips.length < MAX_KEPT_SECRET_SKIPS) skips.push({ layerDigest: layer.digest, path: bounded(s.path), reason: s.reason });
    files += layer.stats.files;
    bytes += layer.stats.bytes;
  });
  all.push(...config.findings);
  for (const s of config.skips) {
    skipped.set(s.reason, (skipped.get(s.reason) ?? 0) + 1);
    skipsTotal += 1;
  }
  // One finding per value per place: the engine may report a value twice on one line under two rules.
  const seen = new Set<string>();
  const unique = all.filter((f) => {
    const key = `${f.fingerprint}\0${f.source}\0${f.layerDigest ?? ''}\0${f.path}\0${f.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  unique.sort((a, b) => RANK[a.severity] - RANK[b.severity] || compare(a.path, b.path) || a.line - b.line || compare(a.fingerprint, b.fingerprint));
  for (const f of unique.slice(MAX_KEPT_SECRET_FINDINGS)) overflow[f.severity] = (overflow[f.severity] ?? 0) + 1;
  return {
    findings: unique.slice(0, MAX_KEPT_SECRET_FINDINGS).map((f) => ({ ...f, path: bounded(f.path) })),
    overflow,
    skipped: [...skipped.entries()].map(([reason, n]) => ({ reason, files: n })).sort((a, b) => b.files - a.files || compare(a.reason, b.reason)),
    skips,
    skipsTotal,
    stats: { layers: layers.length, files, bytes },
  };
}

function hit(f: SecretHit, where: { source: 'env' | 'history'; layerDigest?: string }): ImageSecretHit {
  return { ruleId: f.ruleId, severity: f.severity, path: f.path, line: f.line, fingerprint: f.fingerprint, preview: f.preview, ...where, deletedLater: false };
}

function isAtOrBelow(path: string, prefix: string): boolean {
  return path === prefix || isBelow(path, prefix);
}

function isBelow(path: string, dir: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}

/** The contract bounds paths; a pathological one keeps its end, which names the file. */
function bounded(path: string): string {
  return path.length > 512 ? `…${path.slice(-511)}` : path;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
