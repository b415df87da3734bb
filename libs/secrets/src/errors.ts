import { PortcullisError } from '@portcullis/errors';

/** Why a rule set or scanner could not be built. All are permanent: the same input fails the same way. */
export type SecretsConfigErrorCode =
  /** The gitleaks config is not valid TOML. */
  | 'INVALID_TOML'
  /** A rule or allowlist is missing a field or has one of the wrong type. */
  | 'INVALID_RULE'
  /** A regex does not compile (RE2 syntax for gitleaks configs). */
  | 'INVALID_REGEX'
  /** The config uses a feature the engine does not support (e.g. `[extend] path`). */
  | 'UNSUPPORTED_CONFIG'
  /** Scanner options are invalid (e.g. a fingerprint key that is too short). */
  | 'INVALID_OPTIONS';

/**
 * A configuration error. Messages name the config file and rule id, never a regex of an allowlist
 * or a TOML excerpt: users allowlist literal secret values, so those must not reach a log.
 */
export class SecretsConfigError extends PortcullisError<SecretsConfigErrorCode> {
  constructor(code: SecretsConfigErrorCode, message: string) {
    super({ code, message, disposition: 'permanent', publicMessage: message });
  }
}
