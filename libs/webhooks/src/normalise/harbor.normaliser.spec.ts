import { RegistryEvents } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { fixture, withHostileUrls } from '../../test/fixtures.js';
import { normaliseHarbor } from './harbor.normaliser.js';
import { type NormaliseOutcome, publishablesOf } from './normalise-outcome.js';
import { UNKNOWN_MEDIA_TYPE } from './registry-image.js';

const delivery = { deliveryId: 'sha256:0f343b0931126a20f133d67c2b018a3b5ee0a0e2b6b5b1c8e8e0a4c3d2b1a090', receivedAt: '2026-01-15T12:00:00.000Z' };
const context = { ...delivery, registryId: 'registry.example.com' };

function bodiesOf(outcome: NormaliseOutcome) {
  if (outcome.kind !== 'events' && outcome.kind !== 'event') throw new Error(`expected events, got ${JSON.stringify(outcome)}`);
  return publishablesOf(outcome).map((item) => RegistryEvents.schema.parse(item.body));
}

describe('normaliseHarbor', () => {
  it('maps the documented PUSH_ARTIFACT example (default format) onto the configured registry', () => {
    const sut = normaliseHarbor;
    expect(bodiesOf(sut(undefined, fixture('harbor-push-artifact.json'), context))).toEqual([
      {
        kind: 'image.pushed',
        ...delivery,
        source: 'harbor',
        image: {
          registry: 'registry.example.com',
          repository: 'test-webhook/debian',
          tag: 'latest',
          digest: 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8',
        },
        mediaType: UNKNOWN_MEDIA_TYPE,
      },
    ]);
  });

  it('maps the CloudEvents format, dropping a "tag" that is really the digest of a push by digest', () => {
    expect(bodiesOf(normaliseHarbor(undefined, fixture('harbor-cloudevents-artifact.json'), context))).toEqual([
      {
        kind: 'image.pushed',
        ...delivery,
        source: 'harbor',
        image: {
          registry: 'registry.example.com',
          repository: 'library/busybox',
          digest: 'sha256:dde8e930c7b6a490f728e66292bc9bce42efc9bbb5278bae40e4f30f6e00fe8c',
        },
        mediaType: UNKNOWN_MEDIA_TYPE,
      },
    ]);
  });

  it('turns several tags of one push into one event each', () => {
    const payload = fixture('harbor-push-artifact.json');
    const data = payload['event_data'] as { resources: Record<string, unknown>[] };
    const first = data.resources[0] ?? {};
    data.resources.push({ ...first, tag: '1.0.0' }, { ...first });
    expect(bodiesOf(normaliseHarbor(undefined, payload, context)).map((b) => (b.kind === 'image.pushed' ? b.image.tag : ''))).toEqual(['latest', '1.0.0']);
  });

  it('ignores SCANNING_COMPLETED in both formats: Portcullis scans images itself', () => {
    const reason = 'harbor-scan-not-used:portcullis-scans-images-itself';
    expect(normaliseHarbor(undefined, { type: 'SCANNING_COMPLETED', occur_at: 1, operator: 'auto', event_data: {} }, context)).toEqual({ kind: 'ignored', reason });
    expect(normaliseHarbor(undefined, { specversion: '1.0', type: 'harbor.scan.completed', data: {} }, context)).toEqual({ kind: 'ignored', reason });
  });

  it('ignores other Harbor events', () => {
    expect(normaliseHarbor(undefined, { ...fixture('harbor-push-artifact.json'), type: 'PULL_ARTIFACT' }, context)).toEqual({
      kind: 'ignored',
      reason: 'unsupported-event:PULL_ARTIFACT',
    });
  });

  it('is invalid without the configured registry id, or with a malformed digest or repository', () => {
    expect(normaliseHarbor(undefined, fixture('harbor-push-artifact.json'), delivery)).toMatchObject({ kind: 'invalid', issues: [{ path: 'event_data.resources.0.(context).registryId' }] });
    const payload = fixture('harbor-push-artifact.json');
    const data = payload['event_data'] as { resources: { digest: string }[]; repository: { repo_full_name: string } };
    data.repository.repo_full_name = 'Test/UPPER';
    expect(normaliseHarbor(undefined, payload, context)).toMatchObject({ kind: 'invalid', issues: [{ path: 'event_data.resources.0.image.repository' }] });
    expect(normaliseHarbor(undefined, { type: 'PUSH_ARTIFACT' }, context)).toMatchObject({ kind: 'invalid', issues: [{ path: 'event_data' }] });
  });

  it('never takes the registry host from resource_url', () => {
    for (const name of ['harbor-push-artifact.json', 'harbor-cloudevents-artifact.json']) {
      const payload = fixture(name);
      const attacked = normaliseHarbor(undefined, withHostileUrls(payload), context);
      expect(attacked).toEqual(normaliseHarbor(undefined, payload, context));
      expect(JSON.stringify(attacked)).not.toMatch(/evil\.example\.net|hub\.harbor\.com|harbor\.dev/);
    }
  });
});
