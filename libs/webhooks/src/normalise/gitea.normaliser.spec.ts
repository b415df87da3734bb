import { ScmEvents } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { fixture, withHostileUrls } from '../../test/fixtures.js';
import { normaliseGitea } from './gitea.normaliser.js';

const delivery = { deliveryId: 'f6266f16-1bf3-46a5-9ea4-602e06ead473', receivedAt: '2026-01-15T12:00:00.000Z' };

describe('normaliseGitea', () => {
  it('maps the documented push example', () => {
    const sut = normaliseGitea;
    const outcome = sut('push', fixture('forgejo-push.json'), delivery);
    if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
    expect(ScmEvents.schema.parse(outcome.body)).toEqual({
      kind: 'push',
      ...delivery,
      repository: { provider: 'gitea', owner: 'forgejo', name: 'webhooks' },
      ref: 'refs/heads/develop',
      before: '28e1879d029cb852e4844d9c718537df08844e03',
      after: 'bffeb74224043ba2feb48d137756c8a9331c449a',
      forced: false,
      pusher: 'forgejo',
      commits: [{ sha: 'bffeb74224043ba2feb48d137756c8a9331c449a', title: 'Webhooks Yay!', author: 'Forgejo' }],
      commitsTruncated: false,
      changedPaths: [],
      pathsTruncated: false,
    });
  });

  it('never carries the deprecated in-body secret into the event', () => {
    const outcome = normaliseGitea('push', fixture('forgejo-push.json'), delivery);
    expect(JSON.stringify(outcome)).not.toContain('3gEsCfjl');
  });

  it('turns a tag push into a tag event', () => {
    const payload = { ...fixture('forgejo-push.json'), ref: 'refs/tags/v2.0.0', before: '0'.repeat(40) };
    expect(normaliseGitea('push', payload, delivery)).toMatchObject({
      kind: 'event',
      body: { kind: 'tag', action: 'created', sha: 'bffeb74224043ba2feb48d137756c8a9331c449a' },
    });
  });

  it('a hostile clone_url changes nothing in the output', () => {
    const payload = fixture('forgejo-push.json');
    const attacked = normaliseGitea('push', withHostileUrls(payload), delivery);
    expect(attacked).toEqual(normaliseGitea('push', payload, delivery));
    expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
  });

  it('ignores events it does not handle', () => {
    expect(normaliseGitea('issues', {}, delivery)).toEqual({ kind: 'ignored', reason: 'unsupported-event:issues' });
  });
});
