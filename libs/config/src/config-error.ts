import { PortcullisError } from '@portcullis/errors';
import { type ConfigIssue } from './config-schema.js';

/**
 * The configuration cannot be used. Raised once at boot with every problem at the same time, so an
 * operator fixes the deployment in one round instead of one variable per crash loop.
 */
export class ConfigError extends PortcullisError<'CONFIG_INVALID'> {
  /** Every problem found, in declaration order. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    const lines = issues.map((issue) => `  - ${issue.variable}: ${issue.problem}`);
    super({
      code: 'CONFIG_INVALID',
      message: [`Invalid configuration (${count}):`, ...lines].join('\n'),
      disposition: 'permanent',
      publicMessage: 'The service configuration is invalid.',
    });
    this.issues = issues;
  }
}
