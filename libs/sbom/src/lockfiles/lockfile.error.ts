import { PortcullisError } from '@portcullis/errors';

/**
 * Why one lockfile could not be read. Every code is permanent (the same bytes fail the same way)
 * and concerns that file only: the caller reports it next to the file and goes on with the others.
 * Messages name the limit or the syntax problem, never the file's content.
 */
export type LockfileErrorCode =
  /** Larger than the caller's byte limit. */
  | 'TOO_LARGE'
  /** Nested deeper than `maxDepth` (a crafted file; real lockfiles stay shallow). */
  | 'TOO_DEEP'
  /** More entries than `maxPackages`. */
  | 'TOO_MANY_PACKAGES'
  /** Not valid JSON / YAML / TOML / XML / yarn syntax, or not the expected shape. */
  | 'UNPARSABLE';

export class LockfileError extends PortcullisError<LockfileErrorCode> {
  constructor(code: LockfileErrorCode, message: string, cause?: unknown) {
    super({ code, message, disposition: 'permanent', publicMessage: message, cause });
  }
}
