import { createHmac } from 'node:crypto';

/**
 * `sha256=<hex HMAC-SHA256(secret, parts…)>`, the value format of GitHub's `X-Hub-Signature-256`
 * and of `X-Portcullis-Signature`. `@portcullis/webhooks` exports only the verifying side, so the
 * signing side lives here; the specs check every signature against that library's verifiers.
 */
export function sha256Signature(secret: string, ...parts: readonly string[]): string {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part, 'utf8');
  return `sha256=${hmac.digest('hex')}`;
}
