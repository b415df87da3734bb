import { describe, expect, it } from 'vitest';
import { SlackAccessPolicy, SlackAccessRules } from './slack-access.policy.js';

describe('SlackAccessPolicy', () => {
  const sut = new SlackAccessPolicy(
    SlackAccessRules.parse([
      { users: ['U1'], repositories: ['github/acme/*'], environments: ['staging', 'prod-*'], actions: ['release.approve', 'finding.triage'] },
      { users: ['U2'], repositories: ['gitlab/platform/**'], actions: ['release.rollback'] },
    ]),
  );

  it('allows a listed user, action, repository and environment', () => {
    expect(sut.allows({ userId: 'U1', action: 'release.approve', repository: 'github/acme/shop', environment: 'prod-eu' })).toBe(true);
  });

  it.each([
    ['another user', { userId: 'U9', action: 'release.approve' as const, repository: 'github/acme/shop', environment: 'staging' }],
    ['an unlisted action', { userId: 'U1', action: 'release.rollback' as const, repository: 'github/acme/shop', environment: 'staging' }],
    ['an unlisted environment', { userId: 'U1', action: 'release.approve' as const, repository: 'github/acme/shop', environment: 'production' }],
    ['another owner', { userId: 'U1', action: 'release.approve' as const, repository: 'github/acme-evil/shop', environment: 'staging' }],
    ['a subgroup under a single *', { userId: 'U1', action: 'release.approve' as const, repository: 'github/acme/sub/shop', environment: 'staging' }],
  ])('refuses %s', (_label, request) => {
    expect(sut.allows(request)).toBe(false);
  });

  it('lets ** cross subgroups and defaults environments to all', () => {
    expect(sut.allows({ userId: 'U2', action: 'release.rollback', repository: 'gitlab/platform/infra/tools/api', environment: 'anything' })).toBe(true);
  });

  it('checks repository-wide actions on the repository only', () => {
    expect(sut.allows({ userId: 'U1', action: 'finding.triage', repository: 'github/acme/shop' })).toBe(true);
    expect(sut.allows({ userId: 'U1', action: 'finding.triage', repository: 'github/other/shop' })).toBe(false);
  });

  it('refuses everything without rules', () => {
    expect(new SlackAccessPolicy([]).allows({ userId: 'U1', action: 'release.approve', repository: 'github/acme/shop', environment: 'staging' })).toBe(false);
  });

  it('rejects rules naming an unknown action or a display name instead of a user id', () => {
    expect(SlackAccessRules.safeParse([{ users: ['U1'], repositories: ['*'], actions: ['release.delete'] }]).success).toBe(false);
    expect(SlackAccessRules.safeParse([{ users: ['@ada'], repositories: ['*'], actions: ['release.approve'] }]).success).toBe(false);
  });
});
