/** Bytes of stdout and of stderr a runner keeps (each); the rest is dropped and flagged. */
export const MAX_OUTPUT_BYTES = 64 * 1024;

/** One command to run in a throw-away container of `image`. */
export interface CommandRunRequest {
  /** `registry/repository@sha256:…`: always by digest, so the tested image is the released one. */
  readonly image: string;
  /** Program and arguments; replaces the image's entrypoint and cmd. */
  readonly argv: readonly string[];
  /** Wall-clock budget; past it the runner kills the container and reports `timedOut`. */
  readonly timeoutMs: number;
  /** `uid[:gid]` (or a name where the runner supports it); default the image's user. */
  readonly user?: string;
  /** Allow the container to run as root; runners refuse root otherwise. */
  readonly runAsRoot?: boolean;
}

/** A command that ran (to its end, or until the timeout). */
export interface CommandCompleted {
  /** Exit code of the process; meaningless when `timedOut`. */
  readonly exitCode: number;
  /** Output as text, each at most {@link MAX_OUTPUT_BYTES} bytes. */
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** True when stdout or stderr were cut at {@link MAX_OUTPUT_BYTES}. */
  readonly truncated?: boolean;
  /**
   * Set when the exit code is known but the output could not be read (e.g. the node serves no
   * logs); tests with output patterns are then `not-run` rather than judged on empty output.
   */
  readonly outputUnavailable?: string;
}

/** The runner could not run the command (image not pullable, engine down, refused as root, …). */
export interface CommandNotRun {
  /** For people; never credentials (runners scrub what they pass on). */
  readonly notRun: string;
}

export type CommandRunOutcome = CommandCompleted | CommandNotRun;

/**
 * Runs one command in an isolated container: no network, no privileges, no credentials or env,
 * read-only root file system, bounded time and output. Implementations: the Docker-API runner
 * (Docker or Podman) and the Kubernetes Job runner in apps/image-scanner.
 */
export interface CommandRunner {
  run(request: CommandRunRequest): Promise<CommandRunOutcome>;
}

export function isNotRun(outcome: CommandRunOutcome): outcome is CommandNotRun {
  return 'notRun' in outcome;
}

/** Cuts text to `max` UTF-8 bytes (on a character boundary); used by runners to bound output. */
export function truncateUtf8(text: string, max = MAX_OUTPUT_BYTES): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.byteLength <= max) return { text, truncated: false };
  let end = max;
  // Back off continuation bytes so a multi-byte character is not split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
