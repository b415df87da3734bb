import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryIdOf, eventTypeOf } from './delivery-id.js';
import { type WebhookSourceKind } from './webhook-source.js';

const BODY = Buffer.from('{"hello":"world"}');
const BODY_HASH = `sha256:${createHash('sha256').update(BODY).digest('hex')}`;
const UUID = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

describe('deliveryIdOf', () => {
  it.each<[WebhookSourceKind, string]>([
    ['github', 'X-GitHub-Delivery'],
    ['gitlab', 'X-Gitlab-Event-UUID'],
    ['bitbucket', 'X-Request-UUID'],
    ['bitbucket-dc', 'X-Request-Id'],
    ['gitea', 'X-Gitea-Delivery'],
    ['forgejo', 'X-Forgejo-Delivery'],
  ])('takes the %s delivery id from %s', (source, header) => {
    const sut = deliveryIdOf;
    expect(sut(source, { [header.toLowerCase()]: UUID }, BODY)).toEqual({ id: UUID, from: 'header' });
  });

  it('does not take another provider’s header', () => {
    expect(deliveryIdOf('gitlab', { 'x-github-delivery': UUID }, BODY)).toEqual({ id: BODY_HASH, from: 'body-hash' });
  });

  it.each<WebhookSourceKind>(['harbor', 'distribution', 'dockerhub', 'ci'])('uses the body hash for %s, which sends no id', (source) => {
    expect(deliveryIdOf(source, { 'x-request-id': UUID }, BODY)).toEqual({ id: BODY_HASH, from: 'body-hash' });
  });

  it('falls back to the body hash for an id that is not a safe opaque id', () => {
    expect(deliveryIdOf('github', { 'x-github-delivery': 'a b\r\nSet-Cookie: x' }, BODY)).toEqual({ id: BODY_HASH, from: 'body-hash' });
    expect(deliveryIdOf('github', { 'x-github-delivery': 'x'.repeat(200) }, BODY)).toEqual({ id: BODY_HASH, from: 'body-hash' });
  });
});

describe('eventTypeOf', () => {
  it.each<[WebhookSourceKind, string, string]>([
    ['github', 'x-github-event', 'push'],
    ['gitlab', 'x-gitlab-event', 'Push Hook'],
    ['bitbucket', 'x-event-key', 'repo:push'],
    ['bitbucket-dc', 'x-event-key', 'repo:refs_changed'],
    ['gitea', 'x-gitea-event', 'push'],
    ['forgejo', 'x-forgejo-event', 'push'],
  ])('reads %s from %s', (source, header, value) => {
    expect(eventTypeOf(source, { [header]: value })).toBe(value);
  });

  it('is undefined when the header is absent', () => {
    expect(eventTypeOf('github', {})).toBeUndefined();
  });
});
