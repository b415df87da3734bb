import { ScmEvents } from '@portcullis/contracts';
import { deliveryIdOf, eventTypeOf, normaliserFor, parseBoundedJson, verifyGithubSignature } from '@portcullis/webhooks';
import { describe, expect, it } from 'vitest';
import { buildGithubPush } from './github-push.delivery.js';

const SECRET = 'gh-secret-7d1c0e5a9b';
const BEFORE = 'a'.repeat(40);
const AFTER = 'b'.repeat(40);
const MIDDLE = 'c'.repeat(40);
const receivedAt = '2026-11-26T12:00:00.000Z';

/** What intake does with a github delivery: verify the raw bytes, parse, normalise. */
function intakeView(built: { headers: Readonly<Record<string, string>>; body: string }, secrets: readonly string[] = [SECRET]) {
  const rawBody = Buffer.from(built.body, 'utf8');
  const verified = verifyGithubSignature({ headers: built.headers, rawBody }, secrets);
  const parsed = parseBoundedJson(rawBody);
  if (!parsed.ok) throw new Error(parsed.code);
  const deliveryId = deliveryIdOf('github', built.headers, rawBody);
  const outcome = normaliserFor('github')(eventTypeOf('github', built.headers), parsed.value, { deliveryId: deliveryId.id, receivedAt });
  return { verified, deliveryId, outcome };
}

describe('buildGithubPush', () => {
  const sut = buildGithubPush;
  const options = {
    sourceId: 'github',
    secret: SECRET,
    owner: 'acme',
    name: 'shop-api',
    before: BEFORE,
    after: AFTER,
    commits: [
      { id: MIDDLE, message: 'Add deployment\n\nwith details', author: { name: 'Ada', email: 'ada@example.com' }, added: ['deploy/app.yaml'] },
      { id: AFTER, message: 'Bump image', author: { name: 'Bob', email: 'bob@example.com' }, modified: ['deploy/app.yaml', '.portcullis.yaml'], removed: ['old.txt'] },
    ],
    deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
  };

  it('is accepted by the intake verifier and normalised into the push of that release', () => {
    const built = sut(options);
    const { verified, deliveryId, outcome } = intakeView(built);

    expect(built.path).toBe('/v1/webhooks/github');
    expect(verified).toEqual({ ok: true });
    expect(deliveryId).toEqual({ id: options.deliveryId, from: 'header' });
    expect(built.deliveryId).toBe(options.deliveryId);
    if (outcome.kind !== 'event') throw new Error(JSON.stringify(outcome));
    expect(outcome.body).toEqual({
      kind: 'push',
      deliveryId: options.deliveryId,
      receivedAt,
      repository: { provider: 'github', owner: 'acme', name: 'shop-api' },
      ref: 'refs/heads/main',
      before: BEFORE,
      after: AFTER,
      forced: false,
      pusher: 'acme',
      commits: [
        { sha: MIDDLE, title: 'Add deployment', author: 'Ada' },
        { sha: AFTER, title: 'Bump image', author: 'Bob' },
      ],
      commitsTruncated: false,
      changedPaths: ['deploy/app.yaml', '.portcullis.yaml'],
      pathsTruncated: false,
    });
    expect(ScmEvents.correlationOf?.(ScmEvents.schema.parse(outcome.body)).releaseId).toBe(`github/acme/shop-api@${AFTER}`);
  });

  it('has the shape of a GitHub push payload', () => {
    const payload = JSON.parse(sut(options).body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      ref: 'refs/heads/main',
      created: false,
      deleted: false,
      forced: false,
      repository: { name: 'shop-api', full_name: 'acme/shop-api', owner: { login: 'acme' }, clone_url: 'https://github.com/acme/shop-api.git' },
      head_commit: { id: AFTER, message: 'Bump image', removed: ['old.txt'] },
      compare: `https://github.com/acme/shop-api/compare/${BEFORE.slice(0, 12)}...${AFTER.slice(0, 12)}`,
    });
    expect(sut(options).headers).toMatchObject({ 'x-github-event': 'push', 'content-type': 'application/json' });
  });

  it('marks a new branch created and names one commit by default', () => {
    const built = sut({ sourceId: 'gh', secret: SECRET, owner: 'acme', name: 'web', ref: 'refs/heads/feature', after: AFTER });
    const payload = JSON.parse(built.body) as { created: boolean; before: string; commits: { id: string }[] };
    expect(payload.created).toBe(true);
    expect(payload.before).toBe('0'.repeat(40));
    expect(payload.commits.map((c) => c.id)).toEqual([AFTER]);
    expect(intakeView(built).outcome).toMatchObject({ kind: 'event', body: { ref: 'refs/heads/feature', after: AFTER } });
  });

  it('fails verification when one byte of the body changes, or with another secret', () => {
    const built = sut(options);
    const tampered = { headers: built.headers, body: built.body.replace('shop-api', 'shop-apj') };
    expect(intakeView(tampered).verified).toEqual({ ok: false, reason: 'mismatch' });
    expect(intakeView(built, ['another-secret']).verified).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('never writes the secret into the body, and a fresh delivery id each time', () => {
    const first = sut({ ...options, deliveryId: undefined });
    const second = sut({ ...options, deliveryId: undefined });
    expect(first.body).not.toContain(SECRET);
    expect(JSON.stringify(first.headers)).not.toContain(SECRET);
    expect(first.deliveryId).not.toBe(second.deliveryId);
  });
});
