import { type Severity } from '@portcullis/contracts';
import { type LayerLimits, walkLayer } from '@portcullis/sbom';
import { type FileScanResult, looksBinary, type ScanInput } from '@portcullis/secrets';
import { type Readable } from 'node:stream';

/** Bump when what a layer's secret scan keeps changes: cached results of another format are ignored. */
export const LAYER_SECRETS_FORMAT = 1;
/** Findings kept per layer; more are counted (`overflow`), so they still fail the verdict. */
export const MAX_LAYER_FINDINGS = 500;
/** Skips listed per layer (binaries are only counted). */
export const MAX_LAYER_SKIPS = 50;
/** Characters of whiteout and opaque-directory paths kept per layer, to tell which findings a later layer deletes. */
export const MAX_LAYER_DELETION_CHARS = 256 * 1024;

/** A redacted finding of the engine (fingerprint and masked preview, never the value). */
export interface SecretHit {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly path: string;
  readonly line: number;
  readonly fingerprint: string;
  readonly preview: string;
}

export interface SecretSkip {
  readonly path: string;
  readonly reason: string;
}

/**
 * What the secret scan found in one layer, independent of every other layer and of any policy:
 * plain JSON, cached by layer digest like the SBOM contribution.
 */
export interface LayerSecrets {
  readonly format: typeof LAYER_SECRETS_FORMAT;
  readonly digest: string;
  readonly findings: readonly SecretHit[];
  /** Findings past `MAX_LAYER_FINDINGS`, per severity. */
  readonly overflow: Partial<Record<Severity, number>>;
  /** Files not read per reason, `BINARY` included. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Some of the skipped files (binaries left out), at most `MAX_LAYER_SKIPS`. */
  readonly skips: readonly SecretSkip[];
  /** Paths this layer deletes from lower layers: whiteouts (the path and below) and opaque directories (below). */
  readonly whiteouts: readonly string[];
  readonly opaqueDirs: readonly string[];
  readonly stats: { readonly files: number; readonly bytes: number };
  /**
   * False when the image's budget (bytes or time) cut the scan short: the result belongs to this
   * image's scan only and is not cached for the layer digest.
   */
  readonly complete: boolean;
}

/** What one image's secret scan may spend, shared by its layers. */
export class SecretScanBudget {
  private bytesLeft: number;
  private readonly deadline: number;

  constructor(
    limits: { readonly maxBytes: number; readonly maxMs: number },
    private readonly now: () => number = Date.now,
  ) {
    this.bytesLeft = limits.maxBytes;
    this.deadline = now() + limits.maxMs;
  }

  /** Why the next file of `size` bytes may not be scanned, or undefined (then its bytes are taken). */
  take(size: number): 'IMAGE_TIME_BUDGET' | 'IMAGE_BYTES_BUDGET' | undefined {
    if (this.now() > this.deadline) return 'IMAGE_TIME_BUDGET';
    if (size > this.bytesLeft) return 'IMAGE_BYTES_BUDGET';
    this.bytesLeft -= size;
    return undefined;
  }
}

/** The engine as the layer scan uses it (libs/secrets' `SecretScanner`, a worker pool). */
export interface SecretEngine {
  scan(input: ScanInput): Promise<FileScanResult>;
}

export interface ScanLayerSecretsOptions {
  /** Files larger than this are not read (`TOO_LARGE`); the engine's own limit. */
  readonly maxFileBytes: number;
  readonly budget: SecretScanBudget;
  /** Bytes read but not yet scanned at once: bounds memory while the worker pool catches up. */
  readonly maxInFlightBytes?: number;
  /** The SBOM walk's bounds (`maxLayerBytes`, `maxEntries`, `maxPathLength`). */
  readonly limits?: Partial<LayerLimits>;
}

/**
 * Runs the secret engine over every regular file one layer adds or changes, with the SBOM walk's
 * bounds (libs/sbom `walkLayer`). Files over the engine's size limit are not read, binary files
 * (the engine's NUL probe) are counted and not sent to the workers, and files past the image's
 * byte or time budget are skipped as such: every file not scanned is counted, none silently.
 * Throws what the walk throws (`SbomError` for a bad layer, the caller's stream error as it is).
 */
export async function scanLayerSecrets(digest: string, tar: Readable, engine: SecretEngine, options: ScanLayerSecretsOptions): Promise<LayerSecrets> {
  const maxInFlight = options.maxInFlightBytes ?? 8 * 1024 * 1024;
  const findings: SecretHit[] = [];
  const overflow: Partial<Record<Severity, number>> = {};
  const skipped: Record<string, number> = {};
  const skips: SecretSkip[] = [];
  const whiteouts: string[] = [];
  const opaqueDirs: string[] = [];
  let files = 0;
  let bytes = 0;
  let complete = true;
  let deletionsDropped = false;
  let deletionChars = 0;

  const skip = (path: string, reason: string): void => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
    if (reason !== 'BINARY' && skips.length < MAX_LAYER_SKIPS) skips.push({ path, reason });
  };
  const collect = (result: FileScanResult): void => {
    for (const s of result.skips) skip(s.path, s.reason);
    for (const f of result.findings) {
      if (findings.length < MAX_LAYER_FINDINGS) {
        findings.push({ ruleId: f.ruleId, severity: f.severity, path: f.path, line: f.line, fingerprint: f.fingerprint, preview: f.preview });
      } else {
        overflow[f.severity] = (overflow[f.severity] ?? 0) + 1;
      }
    }
  };

  // Files are read while earlier ones are scanned in the pool; at most `maxInFlight` bytes wait.
  let pending: Promise<void>[] = [];
  let pendingBytes = 0;
  const settle = async (): Promise<void> => {
    const waiting = pending;
    pending = [];
    pendingBytes = 0;
    await Promise.all(waiting);
  };

  const walked = walkLayer(
    digest,
    tar,
    async (entry) => {
      switch (entry.kind) {
        case 'whiteout':
        case 'opaque': {
          const list = entry.kind === 'whiteout' ? whiteouts : opaqueDirs;
          deletionChars += entry.path.length + 1;
          if (deletionChars <= MAX_LAYER_DELETION_CHARS) list.push(entry.path);
          else deletionsDropped = true;
          return;
        }
        case 'skipped':
          return skip(entry.path, entry.reason);
        case 'hardlink':
          // The same content as a file this layer already holds (and scanned).
          return;
        case 'file': {
          if (entry.size === 0) return;
          if (entry.size > options.maxFileBytes) return skip(entry.path, 'TOO_LARGE');
          const content = await entry.read();
          if (looksBinary(content)) return skip(entry.path, 'BINARY');
          const over = options.budget.take(content.byteLength);
          if (over) {
            complete = false;
            return skip(entry.path, over);
          }
          files += 1;
          bytes += content.byteLength;
          pending.push(engine.scan({ path: entry.path, content }).then(collect));
          pendingBytes += content.byteLength;
          if (pendingBytes >= maxInFlight || pending.length >= 256) await settle();
          return;
        }
      }
    },
    options.limits ? { limits: options.limits } : {},
  );
  try {
    await walked;
  } finally {
    // Let scans already handed to the pool end before reporting (or re-throwing).
    await Promise.allSettled(pending);
  }
  await settle();
  // Without every deletion of the layer, `deletedLater` could claim too little; never too much.
  if (deletionsDropped) skip('(whiteouts)', 'TOO_MANY_DELETIONS');
  return { format: LAYER_SECRETS_FORMAT, digest, findings, overflow, skipped, skips, whiteouts, opaqueDirs, stats: { files, bytes }, complete };
}
