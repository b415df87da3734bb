import { RegistryEvents } from '@portcullis/contracts';
import { deliveryIdOf, normaliserFor, parseBoundedJson, verifyCiBuild } from '@portcullis/webhooks';
import { describe, expect, it } from 'vitest';
import { buildCiBuildAnnouncement, type CiBuildOptions } from './ci-build.delivery.js';

const SECRET = 'ci-secret-0a1b2c3d';
const TOKEN = 'ci-token-4e5f6a7b';
const DIGEST = `sha256:${'e'.repeat(64)}`;
const COMMIT = 'f'.repeat(40);
const NOW = new Date('2026-11-26T12:00:00.000Z');
const REGISTRY = '127.0.0.1:25819';
const receivedAt = NOW.toISOString();

function intakeView(built: { headers: Readonly<Record<string, string>>; body: string }, nowMs = NOW.getTime()) {
  const rawBody = Buffer.from(built.body, 'utf8');
  const verified = verifyCiBuild({ headers: built.headers, rawBody }, { hmacSecrets: [SECRET], bearerTokens: [TOKEN] }, { nowMs });
  const parsed = parseBoundedJson(rawBody);
  if (!parsed.ok) throw new Error(parsed.code);
  const deliveryId = deliveryIdOf('ci', built.headers, rawBody);
  const outcome = normaliserFor('ci')(undefined, parsed.value, { deliveryId: deliveryId.id, receivedAt, registryId: REGISTRY });
  return { verified, deliveryId, outcome };
}

describe('buildCiBuildAnnouncement', () => {
  const sut = buildCiBuildAnnouncement;
  const options: CiBuildOptions = {
    auth: { kind: 'hmac', secret: SECRET },
    repository: { provider: 'github', owner: 'acme', name: 'shop-api' },
    commit: COMMIT,
    image: { registry: REGISTRY, repository: 'acme/shop-api', tag: 'main', digest: DIGEST },
    buildId: 'demo-1',
    now: NOW,
  };

  it('is accepted by the intake verifier and normalised into build.announced for the release', () => {
    const built = sut(options);
    const { verified, deliveryId, outcome } = intakeView(built);

    expect(built.path).toBe('/v1/builds');
    expect(built.headers['x-portcullis-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(verified).toEqual({ ok: true });
    expect(built.deliveryId).toBe(deliveryId.id);
    if (outcome.kind !== 'event') throw new Error(JSON.stringify(outcome));
    expect(outcome.body).toEqual({
      kind: 'build.announced',
      deliveryId: deliveryId.id,
      receivedAt,
      repository: { provider: 'github', owner: 'acme', name: 'shop-api' },
      commit: COMMIT,
      image: { registry: REGISTRY, repository: 'acme/shop-api', tag: 'main', digest: DIGEST },
      buildId: 'demo-1',
    });
    expect(RegistryEvents.correlationOf?.(RegistryEvents.schema.parse(outcome.body)).releaseId).toBe(`github/acme/shop-api@${COMMIT}`);
  });

  it('fails verification when the body is tampered with, and is stale outside the 300 s window', () => {
    const built = sut(options);
    const tampered = { headers: built.headers, body: built.body.replace(DIGEST, `sha256:${'0'.repeat(64)}`) };
    expect(intakeView(tampered).verified).toEqual({ ok: false, reason: 'mismatch' });
    expect(intakeView(built, NOW.getTime() + 301_000).verified).toEqual({ ok: false, reason: 'stale' });
  });

  it('authenticates with a bearer token instead, naming the source when asked', () => {
    const built = sut({ ...options, auth: { kind: 'bearer', token: TOKEN }, sourceId: 'ci-east' });
    expect(built.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-portcullis-source': 'ci-east' });
    expect(built.headers).not.toHaveProperty('x-portcullis-signature');
    expect(intakeView(built).verified).toEqual({ ok: true });
  });

  it('is refused by intake when the image is on another registry than the source’s', () => {
    const { outcome } = intakeView(sut({ ...options, image: { ...options.image, registry: 'registry.example.com' } }));
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: 'image' }] });
  });

  it('never writes a credential into the body or what a logger prints', () => {
    for (const auth of [{ kind: 'hmac', secret: SECRET } as const, { kind: 'bearer', token: TOKEN } as const]) {
      const built = sut({ ...options, auth });
      expect(built.body).not.toContain(SECRET);
      expect(built.body).not.toContain(TOKEN);
      expect(JSON.stringify(built)).not.toContain(TOKEN);
    }
  });
});
