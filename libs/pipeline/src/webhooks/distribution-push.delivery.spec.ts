import { RegistryEvents } from '@portcullis/contracts';
import { bodyHashDeliveryId, deliveryIdOf, normaliserFor, parseBoundedJson, verifyHarborAuthHeader } from '@portcullis/webhooks';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildDistributionPush, DISTRIBUTION_EVENTS_MEDIA_TYPE } from './distribution-push.delivery.js';

const AUTH = 'Bearer reg-9f8e7d6c5b4a';
const DIGEST = `sha256:${'d'.repeat(64)}`;
const REGISTRY_URL = 'http://127.0.0.1:25819';
const receivedAt = '2026-11-26T12:00:00.000Z';

function intakeView(built: { headers: Readonly<Record<string, string>>; body: string }, authHeaders: readonly string[] = [AUTH]) {
  const rawBody = Buffer.from(built.body, 'utf8');
  // Intake verifies distribution sources with the Authorization-header check and takes the registry from the source's baseUrl.
  const verified = verifyHarborAuthHeader({ headers: built.headers, rawBody }, authHeaders);
  const parsed = parseBoundedJson(rawBody);
  if (!parsed.ok) throw new Error(parsed.code);
  const deliveryId = deliveryIdOf('distribution', built.headers, rawBody);
  const outcome = normaliserFor('distribution')(undefined, parsed.value, { deliveryId: deliveryId.id, receivedAt, registryId: new URL(REGISTRY_URL).host });
  return { verified, deliveryId, outcome };
}

describe('buildDistributionPush', () => {
  const sut = buildDistributionPush;
  const options = { sourceId: 'registry', authorization: AUTH, registryHost: '127.0.0.1:25819', repository: 'acme/shop-api', digest: DIGEST, tag: 'main' };

  it('is accepted by the intake verifier and normalised into image.pushed on the configured registry', () => {
    const built = sut(options);
    const { verified, deliveryId, outcome } = intakeView(built);

    expect(built.path).toBe('/v1/webhooks/registry');
    expect(built.headers['content-type']).toBe(DISTRIBUTION_EVENTS_MEDIA_TYPE);
    expect(verified).toEqual({ ok: true });
    expect(deliveryId).toEqual({ id: bodyHashDeliveryId(Buffer.from(built.body)), from: 'body-hash' });
    expect(built.deliveryId).toBe(deliveryId.id);
    if (outcome.kind !== 'events') throw new Error(JSON.stringify(outcome));
    expect(outcome.items.map((item) => item.body)).toEqual([
      {
        kind: 'image.pushed',
        deliveryId: deliveryId.id,
        receivedAt,
        source: 'distribution',
        image: { registry: '127.0.0.1:25819', repository: 'acme/shop-api', tag: 'main', digest: DIGEST },
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      },
    ]);
    // An image push alone names no release: only the CI announcement does.
    expect(RegistryEvents.correlationOf).toBeDefined();
    expect(RegistryEvents.correlationOf?.(RegistryEvents.schema.parse(outcome.items[0]?.body)).releaseId).toBeUndefined();
  });

  it('has the shape of a distribution notification envelope', () => {
    const envelope = JSON.parse(sut({ ...options, actor: 'ci-bot' }).body) as { events: unknown[] };
    expect(envelope.events).toEqual([
      expect.objectContaining({
        action: 'push',
        target: expect.objectContaining({ digest: DIGEST, repository: 'acme/shop-api', tag: 'main', url: `http://127.0.0.1:25819/v2/acme/shop-api/manifests/${DIGEST}` }),
        request: expect.objectContaining({ host: '127.0.0.1:25819', method: 'PUT' }),
        actor: { name: 'ci-bot' },
      }),
    ]);
  });

  it('is refused with another or no Authorization value (the scheme does not cover the body)', () => {
    const built = sut(options);
    expect(intakeView(built, ['Bearer something-else']).verified).toEqual({ ok: false, reason: 'mismatch' });
    const { authorization: _dropped, ...headers } = built.headers;
    expect(intakeView({ headers, body: built.body }).verified).toEqual({ ok: false, reason: 'missing' });
  });

  it('keeps the credential out of the body and out of what a logger prints', () => {
    const built = sut(options);
    expect(built.body).not.toContain('reg-9f8e7d6c5b4a');
    expect(JSON.stringify(built)).not.toContain('reg-9f8e7d6c5b4a');
    expect(inspect(built)).not.toContain('reg-9f8e7d6c5b4a');
    expect(built.headers['authorization']).toBe(AUTH);
  });

  it('gives two pushes of the same digest two delivery ids (each is a new notification)', () => {
    expect(sut(options).deliveryId).not.toBe(sut(options).deliveryId);
  });
});
