import { SecretsConfigError } from './errors.js';
import type { FileScanResult, Finding, NumberedLine, ScanInput } from './model.js';

/** One change of a commit range, as libs/git lists them (or a pre-commit hook sees them). */
export type ScannableChange =
  /** The lines one commit added to one file. */
  | { readonly kind: 'lines'; readonly commit: string; readonly author: string; readonly path: string; readonly lines: readonly NumberedLine[] }
  /** A changed Kubernetes manifest candidate, whole, as it is at the range's last commit. */
  | { readonly kind: 'manifest'; readonly commit: string; readonly author: string; readonly path: string; readonly content: string }
  /** A file not scanned, and why (`TOO_LARGE`, `BINARY`, `LFS_POINTER`, …). */
  | { readonly kind: 'skipped'; readonly path: string; readonly reason: string };

/** A finding with the commit that added it and that commit's author. */
export interface AttributedFinding extends Finding {
  readonly commit: string;
  readonly author: string;
}

/** A finding on an added line of a manifest, with that line's text (in memory only, for the merge). */
export interface PendingLineFinding {
  readonly finding: AttributedFinding;
  readonly text: string;
}

/** Files the range lists in full when changed (Kubernetes manifest candidates). */
const MANIFEST_PATH = /\.(ya?ml|json)$/i;

/** Options of a `ChangeSetScan`. */
export interface ChangeSetScanOptions {
  /** Awaited before each file is handed to the scanner (a sweep waits until no push audit runs; files already handed over keep scanning). */
  readonly beforeEach?: () => Promise<void>;
  /**
   * How many handed-over files may still be scanning when `add` returns. 0 (the default): `add`
   * resolves once its own file is scanned, and `finish` may follow the last `add` directly. More
   * lets the worker pool batch small files (one message round trip each otherwise) and keeps it
   * busy while the next change is listed; then end with `await complete()`, not `finish()`.
   * Memory grows by at most this many files' lines.
   */
  readonly maxPendingScans?: number;
}

type ScanOutcome = { readonly result: FileScanResult } | { readonly error: unknown };

/** A change in hand-over order: a skip to record, or a file being scanned. */
type Queued =
  | { readonly skip: { path: string; reason: string } }
  | { readonly change: Exclude<ScannableChange, { kind: 'skipped' }>; readonly outcome: Promise<ScanOutcome> };

/**
 * Scans the changes of a commit range (a push, a sweep, a local `main..HEAD`, the staged files)
 * and joins the two views of a manifest: its added lines, and the whole file at the end of the
 * range (see `mergeManifest`). Feed every change in the order they are listed (manifests after
 * all lines, as libs/git lists them), one `add` at a time, then call `finish` (or `complete` when
 * scans may still be pending). Results are recorded in that order whatever order scans end in, so
 * findings and skips come out the same with or without `maxPendingScans`.
 */
export class ChangeSetScan {
  readonly #findings: AttributedFinding[] = [];
  readonly #skips: { path: string; reason: string }[] = [];
  /** Line findings of manifest files, waiting for the manifest itself. */
  readonly #pending = new Map<string, PendingLineFinding[]>();
  /** Changes added but not yet recorded, oldest first. */
  readonly #queue: Queued[] = [];
  readonly #maxPendingScans: number;
  #scansPending = 0;
  #files = 0;

  constructor(
    private readonly scanner: { scan(input: ScanInput): Promise<FileScanResult> },
    private readonly options: ChangeSetScanOptions = {},
  ) {
    const max = options.maxPendingScans ?? 0;
    if (!Number.isInteger(max) || max < 0) throw new SecretsConfigError('INVALID_OPTIONS', 'maxPendingScans must be a non-negative integer');
    this.#maxPendingScans = max;
  }

  /**
   * Hands the change to the scanner; resolves when at most `maxPendingScans` scans are still
   * pending. A scan that failed rejects this call or a later one (or `complete`).
   */
  async add(change: ScannableChange): Promise<void> {
    if (change.kind === 'skipped') {
      this.#queue.push({ skip: { path: change.path, reason: change.reason } });
    } else {
      await this.options.beforeEach?.();
      this.#files += 1;
      const input: ScanInput =
        change.kind === 'lines' ? { path: change.path, lines: change.lines, commit: change.commit } : { path: change.path, content: change.content, commit: change.commit };
      // Settled into a value at once: a scan failing while older ones are awaited must not be an unhandled rejection.
      const outcome = this.scanner.scan(input).then(
        (result): ScanOutcome => ({ result }),
        (error: unknown): ScanOutcome => ({ error }),
      );
      this.#queue.push({ change, outcome });
      this.#scansPending += 1;
    }
    // Skips at the head are recorded at once; scans once more than allowed are pending.
    while (this.#queue.length > 0 && ('skip' in this.#queue[0]! || this.#scansPending > this.#maxPendingScans)) await this.#recordOldest();
  }

  /** Waits for the pending scans, then `finish`. */
  async complete(): Promise<ReturnType<ChangeSetScan['finish']>> {
    while (this.#queue.length > 0) await this.#recordOldest();
    return this.finish();
  }

  /** Everything found; manifests not listed in full (deleted, too large) keep their line findings. */
  finish(): { readonly findings: AttributedFinding[]; readonly skips: { path: string; reason: string }[]; readonly files: number } {
    // A caller bug, not a scan outcome: results would silently be missing.
    if (this.#queue.length > 0) throw new Error('ChangeSetScan.finish with scans pending: await complete() instead');
    for (const pending of this.#pending.values()) this.#findings.push(...pending.map((p) => p.finding));
    this.#pending.clear();
    return { findings: this.#findings, skips: this.#skips, files: this.#files };
  }

  async #recordOldest(): Promise<void> {
    const next = this.#queue.shift()!;
    if ('skip' in next) {
      this.#skips.push(next.skip);
      return;
    }
    const { change, outcome } = next;
    this.#scansPending -= 1;
    const settled = await outcome;
    if ('error' in settled) throw settled.error;
    const { result } = settled;
    for (const skip of result.skips) this.#skips.push({ path: skip.path, reason: skip.reason });
    const found = result.findings.map((finding): AttributedFinding => ({ ...finding, commit: change.commit, author: change.author }));
    if (change.kind === 'manifest') {
      this.#findings.push(...mergeManifest(this.#pending.get(change.path) ?? [], found, change.content));
      this.#pending.delete(change.path);
    } else if (MANIFEST_PATH.test(change.path)) {
      const texts = new Map(change.lines.map((l) => [l.line, l.text]));
      const pending = this.#pending.get(change.path) ?? [];
      for (const finding of found) pending.push({ finding, text: texts.get(finding.line) ?? '' });
      this.#pending.set(change.path, pending);
    } else {
      this.#findings.push(...found);
    }
  }
}

/**
 * Joins what the added lines of a manifest showed with what the analyser found in the whole file.
 * A value both found keeps the commit that added it and takes the analyser's rule (it knows a
 * Secret from an assignment). A line finding the analyser did not confirm is dropped while its
 * line is still in the file (the analyser judged it: ciphertext, or a base64 value it reported
 * decoded) and kept when the line is gone (a secret added and removed again is still in history).
 */
export function mergeManifest<F extends AttributedFinding>(lineFindings: readonly { readonly finding: F; readonly text: string }[], manifestFindings: readonly F[], content: string): F[] {
  const byFingerprint = new Map(lineFindings.map((p) => [p.finding.fingerprint, p.finding]));
  const merged: F[] = manifestFindings.map((found) => {
    const added = byFingerprint.get(found.fingerprint);
    return added ? { ...found, commit: added.commit, author: added.author } : found;
  });
  const confirmed = new Set(manifestFindings.map((f) => f.fingerprint));
  const lines = new Set(content.split(/\r?\n/).map((l) => l.trim()));
  for (const { finding, text } of lineFindings) {
    if (!confirmed.has(finding.fingerprint) && !lines.has(text.trim())) merged.push(finding);
  }
  return merged;
}
