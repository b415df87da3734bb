import { RegistryEvents, ScmEvents } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { fixture, withHostileUrls } from '../../test/fixtures.js';
import { normaliseGitea } from './gitea.normaliser.js';
import { normaliserFor } from './normaliser-for.js';

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

  describe('pull_request', () => {
    const pr = (edit?: (payload: Record<string, unknown>, pull: Record<string, unknown>) => void) => {
      const payload = fixture('gitea-pull-request.json');
      edit?.(payload, payload['pull_request'] as Record<string, unknown>);
      return payload;
    };

    it('maps the opened example, naming the fork it comes from', () => {
      const outcome = normaliseGitea('pull_request', pr(), delivery);
      if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
      expect(ScmEvents.schema.parse(outcome.body)).toEqual({
        kind: 'pull_request',
        ...delivery,
        repository: { provider: 'gitea', owner: 'example', name: 'example' },
        action: 'opened',
        number: 2,
        title: 'update',
        author: 'example2',
        head: { ref: 'refs/heads/master', sha: '48e773f892a831faa47c0a160d1b7f0cd369ae2a' },
        base: { ref: 'refs/heads/master', sha: '67b56589a45103f891bdee7c0546e5d40bc02001' },
        headRepository: { provider: 'gitea', owner: 'example2', name: 'example' },
      });
    });

    it.each([
      ['synchronized', false, 'synchronize'],
      ['reopened', false, 'reopened'],
      ['closed', false, 'closed'],
      ['closed', true, 'merged'],
    ] as const)('maps %s (merged: %s) to %s', (action, merged, expected) => {
      const payload = pr((p, pull) => {
        p['action'] = action;
        pull['merged'] = merged;
      });
      expect(normaliseGitea('pull_request', payload, delivery)).toMatchObject({ kind: 'event', body: { action: expected } });
    });

    it('ignores actions that change no code', () => {
      expect(normaliseGitea('pull_request', pr((p) => (p['action'] = 'label_updated')), delivery)).toEqual({ kind: 'ignored', reason: 'pull_request.label_updated' });
    });

    it('a hostile clone_url changes nothing in the output', () => {
      const attacked = normaliseGitea('pull_request', withHostileUrls(pr()), delivery);
      expect(attacked).toEqual(normaliseGitea('pull_request', pr(), delivery));
      expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
    });
  });

  describe('package', () => {
    const DIGEST = 'sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498';
    const context = { ...delivery, registryId: 'gitea.example.com' };
    // Gitea's own test payload is a tag push (`version: latest`); a push by digest names the version by the digest.
    const pkg = (edit?: (payload: Record<string, unknown>, pack: Record<string, unknown>) => void) => {
      const payload = fixture('gitea-package-created.json');
      edit?.(payload, payload['package'] as Record<string, unknown>);
      return payload;
    };
    const byDigest = () => pkg((_, pack) => (pack['version'] = DIGEST));

    it('maps a container version pushed by digest to image.pushed on the configured registry', () => {
      const outcome = normaliseGitea('package', byDigest(), context);
      if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
      expect(RegistryEvents.schema.parse(outcome.body)).toEqual({
        kind: 'image.pushed',
        ...delivery,
        source: 'gitea',
        image: { registry: 'gitea.example.com', repository: 'user1/giteacontainer', digest: DIGEST },
        mediaType: 'application/octet-stream',
      });
    });

    it('names the linked git repository when the package has one', () => {
      const linked = pkg((_, pack) => {
        pack['version'] = DIGEST;
        pack['repository'] = { name: 'app', owner: { login: 'user1' }, clone_url: 'http://localhost:3000/user1/app.git' };
      });
      expect(normaliseGitea('package', linked, context)).toMatchObject({
        kind: 'event',
        body: { repository: { provider: 'gitea', owner: 'user1', name: 'app' } },
      });
    });

    it('ignores Gitea’s example (a tag push: Gitea sends no digest), other actions and other package types', () => {
      expect(normaliseGitea('package', pkg(), context)).toEqual({ kind: 'ignored', reason: 'gitea-package-without-digest' });
      expect(normaliseGitea('package', pkg((p) => (p['action'] = 'deleted')), context)).toEqual({ kind: 'ignored', reason: 'package.deleted' });
      expect(normaliseGitea('package', pkg((_, pack) => (pack['type'] = 'npm')), context)).toEqual({ kind: 'ignored', reason: 'package-not-a-container' });
    });

    it('is reached through normaliserFor for Gitea and Forgejo sources', () => {
      for (const provider of ['gitea', 'forgejo'] as const) {
        expect(normaliserFor(provider)('package', byDigest(), context)).toEqual(normaliseGitea('package', byDigest(), context));
        expect(normaliserFor(provider)('package', byDigest(), context)).toMatchObject({ kind: 'event', body: { kind: 'image.pushed' } });
      }
    });

    it('needs the configured registry id', () => {
      expect(normaliseGitea('package', byDigest(), delivery)).toMatchObject({ kind: 'invalid', issues: [{ path: '(context).registryId' }] });
    });

    it('reports a malformed package as invalid', () => {
      expect(normaliseGitea('package', { action: 'created' }, context)).toMatchObject({ kind: 'invalid', issues: [{ path: 'package' }] });
      expect(normaliseGitea('package', pkg((_, pack) => delete pack['name']), context)).toMatchObject({
        kind: 'invalid',
        issues: [{ path: 'package.name' }],
      });
      expect(normaliseGitea('package', pkg((_, pack) => (pack['owner'] = {})), context)).toMatchObject({
        kind: 'invalid',
        issues: [{ path: 'package.owner.login' }],
      });
    });

    it('never takes the registry host from html_url or any other URL', () => {
      for (const payload of [pkg(), byDigest()]) {
        const attacked = normaliseGitea('package', withHostileUrls(payload), context);
        expect(attacked).toEqual(normaliseGitea('package', payload, context));
        expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
      }
    });
  });
});
