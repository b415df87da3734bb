import { NotifyConfigError } from '@portcullis/notify';
import { type SlackAccessRule, SlackAccessRules } from '../interactions/slack-access.policy.js';
import { readConfigFile } from './config-file.js';

/** Reads SLACK_ACCESS_RULES_FILE at boot; a bad file stops the service with the problems' paths. */
export function loadAccessRules(path: string): SlackAccessRule[] {
  const rules = SlackAccessRules.safeParse(readConfigFile('SLACK_ACCESS_RULES_FILE', path) ?? []);
  if (!rules.success) {
    throw new NotifyConfigError('INVALID_ROUTING_CONFIG', `SLACK_ACCESS_RULES_FILE ${path}: ${rules.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return rules.data;
}
