// Sends one signed GitHub push webhook to webhook-intake, the way GitHub would: a real payload
// from @octokit/webhooks-examples, retargeted at a demo repository, HMAC-SHA256 over the raw
// body in X-Hub-Signature-256, a fresh X-GitHub-Delivery. Prints the intake's JSON answer.
//   node tools/demo.d/send-github-push.mjs <intake-url> <source-id> <secret-env-name> <owner>/<repo> [<before> <after>]
// Without before/after the push names a random commit (no git server has it).
import { createRequire } from 'node:module';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples');

const [url, sourceId, secretEnv, fullName, before, after] = process.argv.slice(2);
const SHA = /^[0-9a-f]{40}$/;
if (!url || !sourceId || !secretEnv || !fullName?.includes('/') || (before !== undefined && (!SHA.test(before) || !SHA.test(after ?? '')))) {
  console.error('usage: send-github-push.mjs <intake-url> <source-id> <secret-env-name> <owner>/<repo> [<before> <after>]');
  process.exit(2);
}
const secret = process.env[secretEnv];
if (!secret) {
  console.error(`${secretEnv} is not set`);
  process.exit(2);
}
const [owner, name] = fullName.split('/');
const push = examples.find((e) => e.name === 'push').examples.find((e) => e.ref.startsWith('refs/heads/') && e.commits.length > 0);
const payload = structuredClone(push);
const sha = after ?? randomBytes(20).toString('hex');
if (before) payload.before = before;
payload.after = sha;
payload.head_commit = { ...payload.head_commit, id: sha };
payload.commits = payload.commits.map((c) => ({ ...c, id: sha }));
payload.repository = { ...payload.repository, name, full_name: fullName, owner: { ...payload.repository.owner, login: owner, name: owner } };
const body = JSON.stringify(payload);
const response = await fetch(`${url}/v1/webhooks/${sourceId}`, {
  method: 'POST',
  headers: {
    'content-type': 'application/json',
    'x-github-event': 'push',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  },
  body,
});
process.stdout.write(`${JSON.stringify({ status: response.status, ...(await response.json()) })}\n`);
process.exit(response.status === 202 ? 0 : 1);
