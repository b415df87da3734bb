import { RegistryEvents } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { fixture, withHostileUrls } from '../../test/fixtures.js';
import { normaliseDistribution } from './distribution.normaliser.js';
import { type NormaliseOutcome, publishablesOf } from './normalise-outcome.js';

const delivery = { deliveryId: 'sha256:1f343b0931126a20f133d67c2b018a3b5ee0a0e2b6b5b1c8e8e0a4c3d2b1a090', receivedAt: '2026-01-15T12:00:00.000Z' };
const context = { ...delivery, registryId: 'registry.example.com:5000' };
const MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

function bodiesOf(outcome: NormaliseOutcome) {
  if (outcome.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(outcome)}`);
  return publishablesOf(outcome).map((item) => RegistryEvents.schema.parse(item.body));
}

describe('normaliseDistribution', () => {
  it('maps the manifest push of the documented envelope and drops its blob pushes', () => {
    const sut = normaliseDistribution;
    expect(bodiesOf(sut(undefined, fixture('distribution-events.json'), context))).toEqual([
      {
        kind: 'image.pushed',
        ...delivery,
        source: 'distribution',
        image: {
          registry: 'registry.example.com:5000',
          repository: 'library/test',
          digest: 'sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf',
        },
        mediaType: MANIFEST,
      },
    ]);
  });

  it('returns every manifest push of an envelope, in order, with its tag', () => {
    const payload = fixture('distribution-events.json');
    const events = payload['events'] as { target: Record<string, unknown> }[];
    const [first] = events;
    if (!first) throw new Error('fixture has no event');
    first.target['tag'] = 'v1';
    events.push({ ...structuredClone(first), target: { ...first.target, repository: 'library/other', tag: 'v2', mediaType: 'application/vnd.oci.image.index.v1+json' } });
    expect(bodiesOf(normaliseDistribution(undefined, payload, context))).toMatchObject([
      { image: { repository: 'library/test', tag: 'v1' }, mediaType: MANIFEST },
      { image: { repository: 'library/other', tag: 'v2' }, mediaType: 'application/vnd.oci.image.index.v1+json' },
    ]);
  });

  it('ignores pulls (the documented pull example) and envelopes without manifest pushes', () => {
    expect(normaliseDistribution(undefined, fixture('distribution-pull.json'), context)).toEqual({ kind: 'ignored', reason: 'unsupported-action:pull' });
    expect(normaliseDistribution(undefined, { events: [] }, context)).toEqual({ kind: 'ignored', reason: 'empty-envelope' });
  });

  it('is invalid as a whole when one manifest push is malformed, naming it', () => {
    const payload = fixture('distribution-events.json');
    const events = payload['events'] as { target: Record<string, unknown> }[];
    events.push({ ...structuredClone(events[0]), target: { mediaType: MANIFEST, repository: 'library/test', digest: 'md5:abc' } } as { target: Record<string, unknown> });
    const outcome = normaliseDistribution(undefined, payload, context);
    expect(outcome.kind).toBe('invalid');
    expect(outcome.kind === 'invalid' ? outcome.issues.map((i) => i.path) : []).toContain('events.3.image.digest');
    expect(normaliseDistribution(undefined, { events: 'nope' }, context)).toMatchObject({ kind: 'invalid' });
  });

  it('never takes the registry host from request.host or target.url', () => {
    const payload = fixture('distribution-events.json');
    const attacked = normaliseDistribution(undefined, withHostileUrls(payload), context);
    expect(attacked).toEqual(normaliseDistribution(undefined, payload, context));
    const hostile = fixture('distribution-events.json');
    for (const event of hostile['events'] as { request: { host: string } }[]) event.request.host = 'evil.example.net';
    expect(JSON.stringify(normaliseDistribution(undefined, hostile, context))).not.toContain('evil.example.net');
  });
});
