import type { Severity } from '@portcullis/contracts';

/**
 * The engine's public vocabulary. A raw secret value exists only inside the engine while a file is
 * scanned: everything that leaves it (a `Finding`) carries a keyed fingerprint and a masked preview.
 */

/** `secret`: a credential in content; `manifest`: a Kubernetes manifest that exposes one. */
export type FindingKind = 'secret' | 'manifest';

/** A redacted finding in one file. The caller adds commit and author. */
export interface Finding {
  /** Id of the rule that matched, e.g. `github-pat`, `k8s-plain-secret`. */
  readonly ruleId: string;
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** What the rule looks for, for people. */
  readonly description: string;
  /** Path of the file, as given to the scanner. */
  readonly path: string;
  /** 1-based line of the match. */
  readonly line: number;
  /** HMAC-SHA256 (hex) of the secret value under the platform key. */
  readonly fingerprint: string;
  /** The matched text with the secret masked (at least `***`); never the value. At most 120 characters. */
  readonly preview: string;
}

/** Why a file (or part of one) was not scanned; reported, never silent. */
export type SkipReason = 'TOO_LARGE' | 'BINARY' | 'TIME_BUDGET' | 'LFS_POINTER' | 'UNREADABLE' | 'MANIFEST_TOO_COMPLEX';

export interface Skip {
  readonly path: string;
  readonly reason: SkipReason;
}

/** The outcome of scanning one file. */
export interface FileScanResult {
  readonly findings: readonly Finding[];
  readonly skips: readonly Skip[];
}

/**
 * What the Kubernetes manifest analyser gets from the core engine for one file. The analyser finds
 * the values that matter (a Secret's `data`, a literal `env` value, a ConfigMap credential key, a
 * `secretGenerator` literal); the engine owns fingerprints, previews and the rule set.
 */
export interface ManifestScanContext {
  readonly path: string;
  /**
   * Builds a redacted finding for a value the analyser itself judged a leak (for example
   * `k8s-plain-secret` for a Secret's `stringData.password`). `value` is the raw value; only its
   * fingerprint and a masked preview leave. `context` is the text shown before the mask, e.g. `password: `.
   */
  finding(input: {
    readonly ruleId: string;
    readonly severity: Severity;
    readonly description: string;
    readonly line: number;
    readonly value: string;
    readonly context: string;
  }): Finding;
  /**
   * Runs the content rules over one value (e.g. a base64-decoded Secret `data` value) as if it were
   * on `line` of the file, honouring allowlists and placeholders.
   */
  scanValue(value: string, line: number): readonly Finding[];
  /** True when the value is a placeholder or template expression (`${VAR}`, `{{ .Values.x }}`, `changeme`, …). */
  isPlaceholder(value: string): boolean;
}

/** One line of text with its 1-based line number in the file (e.g. an added line of a diff). */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

/** What to scan in one file. */
export type ScanInput =
  /** A whole file (a working-tree file, or a manifest at the pushed commit). */
  | {
      readonly path: string;
      readonly content: string | Uint8Array;
      /** The commit being scanned, so gitleaks `commits` allowlists apply; findings do not carry it. */
      readonly commit?: string;
    }
  /** Only some lines of a file: the lines a commit added. */
  | {
      readonly path: string;
      readonly lines: readonly NumberedLine[];
      /** The commit being scanned, so gitleaks `commits` allowlists apply; findings do not carry it. */
      readonly commit?: string;
    };

/**
 * The engine's entry point for services, the CLI and the benchmarks. Implementations run the
 * CPU-heavy part in a worker-thread pool; `close` ends the pool.
 */
export interface SecretScanner {
  scan(input: ScanInput): Promise<FileScanResult>;
  close(): Promise<void>;
}
