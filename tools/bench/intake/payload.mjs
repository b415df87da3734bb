// The request body every target gets: a real GitHub push payload from @octokit/webhooks-examples
// (the one with commits, about 7.6 KB as compact JSON), signed once with the bench secret. The
// signature covers only the body, so it is the same for every request; only the delivery id changes.
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Returns { body: Buffer, signature: 'sha256=<hex>', example: string } for `secret`. */
export function signedPushPayload(secret) {
  const examples = require('@octokit/webhooks-examples');
  const push = examples.find((e) => e.name === 'push');
  if (!push) throw new Error('@octokit/webhooks-examples has no push examples');
  // The largest push example with commits (refs/heads/…, 1 commit, 3 files): closest to a real push.
  const candidates = push.examples
    .map((payload, index) => ({ payload, index, text: JSON.stringify(payload) }))
    .filter((c) => Array.isArray(c.payload.commits) && c.payload.commits.length > 0)
    .sort((a, b) => b.text.length - a.text.length);
  if (candidates.length === 0) throw new Error('no push example with commits');
  const chosen = candidates[0];
  const body = Buffer.from(chosen.text);
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  return { body, signature, example: `push example #${chosen.index} (${chosen.payload.ref}, ${chosen.payload.commits.length} commit(s), ${chosen.payload.repository?.full_name})` };
}
