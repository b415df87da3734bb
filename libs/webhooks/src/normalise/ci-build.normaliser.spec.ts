import { RegistryEvents } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { normaliseCiBuild, parseImageReference } from './ci-build.normaliser.js';

const delivery = { deliveryId: 'sha256:3f343b0931126a20f133d67c2b018a3b5ee0a0e2b6b5b1c8e8e0a4c3d2b1a090', receivedAt: '2026-01-15T12:00:00.000Z' };
const context = { ...delivery, registryId: 'registry.example.com:5000' };
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const COMMIT = 'C'.repeat(40);
const build = {
  repository: { provider: 'github', owner: 'acme', name: 'shop-api' },
  commit: COMMIT,
  image: `registry.example.com:5000/acme/shop-api:1.4.2@${DIGEST}`,
  buildId: 'run-42',
  buildUrl: 'https://ci.example.com/runs/42',
};

describe('normaliseCiBuild', () => {
  it('turns a build announcement into build.announced on the configured registry', () => {
    const sut = normaliseCiBuild;
    const outcome = sut(undefined, build, context);
    if (outcome.kind !== 'event') throw new Error(JSON.stringify(outcome));
    expect(RegistryEvents.schema.parse(outcome.body)).toEqual({
      kind: 'build.announced',
      ...delivery,
      repository: build.repository,
      commit: COMMIT.toLowerCase(),
      image: { registry: 'registry.example.com:5000', repository: 'acme/shop-api', tag: '1.4.2', digest: DIGEST },
      buildId: 'run-42',
      buildUrl: 'https://ci.example.com/runs/42',
    });
  });

  it('accepts an untagged reference and no optional fields', () => {
    const { buildId: _id, buildUrl: _url, ...minimal } = build;
    expect(normaliseCiBuild(undefined, { ...minimal, image: `registry.example.com:5000/acme/shop-api@${DIGEST}` }, context)).toMatchObject({
      kind: 'event',
      body: { image: { repository: 'acme/shop-api', digest: DIGEST } },
    });
  });

  it('rejects an image on another registry than the configured one', () => {
    expect(normaliseCiBuild(undefined, { ...build, image: `evil.example.net/acme/shop-api@${DIGEST}` }, context)).toEqual({
      kind: 'invalid',
      issues: [{ path: 'image', message: 'the image is not on the registry configured for this source' }],
    });
  });

  it('rejects references not pinned by digest, and bodies that break the contract', () => {
    expect(normaliseCiBuild(undefined, { ...build, image: 'registry.example.com:5000/acme/shop-api:latest' }, context)).toMatchObject({ kind: 'invalid', issues: [{ path: 'image' }] });
    expect(normaliseCiBuild(undefined, { ...build, commit: 'abc' }, context)).toMatchObject({ kind: 'invalid', issues: [{ path: 'commit' }] });
    expect(normaliseCiBuild(undefined, { ...build, buildUrl: 'file:///etc/passwd' }, context)).toMatchObject({ kind: 'invalid', issues: [{ path: 'buildUrl' }] });
    expect(normaliseCiBuild(undefined, { commit: COMMIT }, context)).toMatchObject({ kind: 'invalid' });
    expect(normaliseCiBuild(undefined, build, delivery)).toMatchObject({ kind: 'invalid', issues: [{ path: '(context).registryId' }] });
  });

  it('parses image references', () => {
    expect(parseImageReference(`localhost:5000/a/b:t@${DIGEST}`)).toEqual({ registry: 'localhost:5000', repository: 'a/b', tag: 't', digest: DIGEST });
    expect(parseImageReference(`shop-api@${DIGEST}`)).toBeUndefined();
  });
});
