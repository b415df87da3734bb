import { ScmEvents, ZERO_SHA } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { fixture, withHostileUrls } from '../../test/fixtures.js';
import { normaliseGitlab } from './gitlab.normaliser.js';
import { type NormaliseOutcome } from './normalise-outcome.js';
import { normaliserFor } from './normaliser-for.js';

const delivery = { deliveryId: '0a1b2c3d-0000-4000-8000-000000000001', receivedAt: '2026-01-15T12:00:00.000Z' };

function bodyOf(outcome: NormaliseOutcome) {
  if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
  return ScmEvents.schema.parse(outcome.body);
}

describe('normaliseGitlab', () => {
  it('maps the documented Push Hook, keeping GitLab’s total commit count', () => {
    const sut = normaliseGitlab;
    expect(bodyOf(sut('Push Hook', fixture('gitlab-push-hook.json'), delivery))).toEqual({
      kind: 'push',
      ...delivery,
      repository: { provider: 'gitlab', owner: 'mike', name: 'diaspora' },
      ref: 'refs/heads/master',
      before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
      after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      forced: false,
      pusher: 'jsmith',
      commits: [
        { sha: 'b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327', title: 'Update Catalan translation to e38cb41.', author: 'Jordi Mallach' },
        { sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7', title: 'fixed readme', author: 'GitLab dev user' },
      ],
      totalCommits: 4,
      commitsTruncated: true,
      changedPaths: ['CHANGELOG', 'app/controller/application.rb'],
      pathsTruncated: true,
    });
  });

  it('keeps subgroups in the owner', () => {
    const payload = fixture('gitlab-push-hook.json');
    payload['project'] = { ...(payload['project'] as object), path_with_namespace: 'platform/security/diaspora' };
    expect(bodyOf(normaliseGitlab('Push Hook', payload, delivery)).repository).toEqual({
      provider: 'gitlab',
      owner: 'platform/security',
      name: 'diaspora',
    });
  });

  it('maps the documented Tag Push Hook to a created tag', () => {
    expect(bodyOf(normaliseGitlab('Tag Push Hook', fixture('gitlab-tag-push-hook.json'), delivery))).toEqual({
      kind: 'tag',
      ...delivery,
      repository: { provider: 'gitlab', owner: 'jsmith', name: 'example' },
      action: 'created',
      ref: 'refs/tags/v1.0.0',
      sha: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
      pusher: 'John Smith',
    });
  });

  it('maps a deleted tag to the commit it pointed at', () => {
    const payload = { ...fixture('gitlab-tag-push-hook.json'), before: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7', after: ZERO_SHA };
    expect(bodyOf(normaliseGitlab('Tag Push Hook', payload, delivery))).toMatchObject({
      kind: 'tag',
      action: 'deleted',
      sha: '82b3d5ae55f7080f1e6022629cdb57bfae7cccc7',
    });
  });

  describe('Merge Request Hook', () => {
    const mr = (edit?: (attributes: Record<string, unknown>) => void) => {
      const payload = fixture('gitlab-merge-request-hook.json');
      edit?.(payload['object_attributes'] as Record<string, unknown>);
      return payload;
    };

    it('maps the documented example, without base.sha (GitLab does not send it)', () => {
      const body = bodyOf(normaliseGitlab('Merge Request Hook', mr(), delivery));
      expect(body).toEqual({
        kind: 'pull_request',
        ...delivery,
        repository: { provider: 'gitlab', owner: 'gitlabhq', name: 'gitlab-test' },
        action: 'opened',
        number: 1,
        title: 'MS-Viewport',
        author: 'root',
        head: { ref: 'refs/heads/ms-viewport', sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7' },
        base: { ref: 'refs/heads/master' },
      });
    });

    it.each([
      ['reopen', 'reopened'],
      ['close', 'closed'],
      ['merge', 'merged'],
    ])('maps %s to %s, with no author (the hook only has author_id)', (action, expected) => {
      expect(bodyOf(normaliseGitlab('Merge Request Hook', mr((a) => (a['action'] = action)), delivery))).toMatchObject({ action: expected, author: '' });
    });

    it('maps an update with new commits (oldrev) to synchronize and ignores other updates and approvals', () => {
      const pushed = mr((a) => {
        a['action'] = 'update';
        a['oldrev'] = '95790bf891e76fee5e1747ab589903a6a1f80f22';
      });
      expect(bodyOf(normaliseGitlab('Merge Request Hook', pushed, delivery))).toMatchObject({ action: 'synchronize' });
      expect(normaliseGitlab('Merge Request Hook', mr((a) => (a['action'] = 'update')), delivery)).toEqual({
        kind: 'ignored',
        reason: 'merge_request.update-without-new-commits',
      });
      expect(normaliseGitlab('Merge Request Hook', mr((a) => (a['action'] = 'approved')), delivery)).toEqual({ kind: 'ignored', reason: 'merge_request.approved' });
    });

    it('names the fork of a merge request from another project', () => {
      const forked = mr((a) => {
        a['source_project_id'] = 15;
        (a['source'] as Record<string, unknown>)['path_with_namespace'] = 'forker/sub/awesome_project';
      });
      expect(bodyOf(normaliseGitlab('Merge Request Hook', forked, delivery))).toMatchObject({
        headRepository: { provider: 'gitlab', owner: 'forker/sub', name: 'awesome_project' },
      });
    });

    it('reports a malformed merge request as invalid', () => {
      expect(normaliseGitlab('Merge Request Hook', {}, delivery)).toMatchObject({ kind: 'invalid' });
    });
  });

  describe('Pipeline Hook', () => {
    it('ignores the documented example as informational, naming its status', () => {
      expect(normaliseGitlab('Pipeline Hook', fixture('gitlab-pipeline-hook.json'), delivery)).toEqual({
        kind: 'ignored',
        reason: 'pipeline.success:informational',
      });
    });

    it('is reached through normaliserFor', () => {
      expect(normaliserFor('gitlab')('Pipeline Hook', fixture('gitlab-pipeline-hook.json'), delivery)).toEqual({
        kind: 'ignored',
        reason: 'pipeline.success:informational',
      });
    });

    it('names other statuses', () => {
      const payload = fixture('gitlab-pipeline-hook.json');
      payload['object_attributes'] = { ...(payload['object_attributes'] as object), status: 'failed' };
      expect(normaliseGitlab('Pipeline Hook', payload, delivery)).toEqual({ kind: 'ignored', reason: 'pipeline.failed:informational' });
    });

    it('reports a malformed pipeline as invalid, with paths and no values', () => {
      const { project: _project, ...withoutProject } = fixture('gitlab-pipeline-hook.json');
      expect(normaliseGitlab('Pipeline Hook', withoutProject, delivery)).toMatchObject({
        kind: 'invalid',
        issues: [{ path: 'project' }],
      });
      const payload = fixture('gitlab-pipeline-hook.json');
      payload['object_attributes'] = { id: 31, status: 42 };
      const outcome = normaliseGitlab('Pipeline Hook', payload, delivery);
      expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: 'object_attributes.status' }] });
      expect(JSON.stringify(outcome)).not.toContain('42');
      expect(normaliseGitlab('Pipeline Hook', {}, delivery)).toMatchObject({ kind: 'invalid' });
    });
  });

  it('ignores other hooks', () => {
    expect(normaliseGitlab('Wiki Page Hook', {}, delivery)).toEqual({ kind: 'ignored', reason: 'unsupported-event:Wiki Page Hook' });
  });

  it('a hostile URL anywhere in the payload changes nothing in the output', () => {
    for (const [event, name] of [
      ['Push Hook', 'gitlab-push-hook.json'],
      ['Tag Push Hook', 'gitlab-tag-push-hook.json'],
      ['Merge Request Hook', 'gitlab-merge-request-hook.json'],
      ['Pipeline Hook', 'gitlab-pipeline-hook.json'],
    ] as const) {
      const payload = fixture(name);
      const attacked = normaliseGitlab(event, withHostileUrls(payload), delivery);
      expect(attacked).toEqual(normaliseGitlab(event, payload, delivery));
      expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
    }
  });
});
