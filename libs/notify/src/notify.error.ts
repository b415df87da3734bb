import { PortcullisError } from '@portcullis/errors';

/** Why notifier configuration was refused. Permanent: the same config fails the same way. */
export type NotifyConfigErrorCode =
  /** The platform's routing config is invalid (a boot failure). */
  | 'INVALID_ROUTING_CONFIG'
  /** The notifier's settings contradict each other (a boot failure), e.g. a status token without its host. */
  | 'INVALID_NOTIFIER_CONFIG';

/** Invalid notifier configuration. Messages name paths and rules, never a configured value. */
export class NotifyConfigError extends PortcullisError<NotifyConfigErrorCode> {
  constructor(code: NotifyConfigErrorCode, message: string) {
    super({ code, message, disposition: 'permanent', publicMessage: message });
  }

  static fromIssues(what: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): NotifyConfigError {
    const detail = issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    return new NotifyConfigError('INVALID_ROUTING_CONFIG', `${what} is invalid: ${detail}`);
  }
}
