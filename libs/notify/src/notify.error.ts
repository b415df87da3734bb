import { PortcullisError } from '@portcullis/errors';

/** Why notifier configuration was refused. Permanent: the same config fails the same way. */
export type NotifyConfigErrorCode =
  /** The platform's routing config is invalid (a boot failure). */
  | 'INVALID_ROUTING_CONFIG'
  /** A repository's `.portcullis.yaml` `notify:` section is invalid (its owners are told, the platform default applies). */
  | 'INVALID_REPO_NOTIFY';

/** Invalid notifier configuration. Messages name paths and rules, never a configured value. */
export class NotifyConfigError extends PortcullisError<NotifyConfigErrorCode> {
  constructor(code: NotifyConfigErrorCode, message: string) {
    super({ code, message, disposition: 'permanent', publicMessage: message });
  }

  static fromIssues(
    what: string,
    issues: readonly { path: readonly PropertyKey[]; message: string }[],
    code: NotifyConfigErrorCode = 'INVALID_ROUTING_CONFIG',
  ): NotifyConfigError {
    const detail = issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    return new NotifyConfigError(code, `${what} is invalid: ${detail}`);
  }
}
