import { AuditCompletedEvent, EXAMPLE_REPOSITORY, exampleAuditCompleted, type RepositoryRef } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { NotifyConfigError } from '../notify.error.js';
import { authorMentions, globMatches, parseRoutingConfig, routeRelease } from './route-release.js';

const config = parseRoutingConfig({
  defaultChannel: '#deploys',
  allowedChannels: ['#release-train'],
  routes: [
    { repositories: 'github/acme/payments-*', channels: ['#payments'], allowedChannels: ['#payments-oncall'], mentions: ['S0614TZR7'], minSeverity: 'high' },
    { repositories: 'gitlab/acme/platform/**', channels: ['C0PLATFORM'] },
    { repositories: 'github/acme/*', channels: ['#acme'] },
  ],
  authorSlackIds: { 'Mona Lisa Octocat': 'U0MONA' },
});
const repo = (owner: string, name: string, provider: RepositoryRef['provider'] = 'github'): RepositoryRef => ({ provider, owner, name });

describe('routeRelease', () => {
  it('routes by the first matching glob and falls back to the default channel', () => {
    expect(routeRelease(repo('acme', 'payments-api'), config).channels).toEqual(['#payments']);
    expect(routeRelease(EXAMPLE_REPOSITORY, config).channels).toEqual(['#acme']);
    expect(routeRelease(repo('acme/platform/infra', 'ingress', 'gitlab'), config).channels).toEqual(['C0PLATFORM']);
    expect(routeRelease(repo('other', 'thing'), config)).toMatchObject({ channels: ['#deploys'], matchedRoute: undefined, minSeverity: 'unknown' });
  });

  it('lets a repository add a channel from the allow-lists', () => {
    expect(routeRelease(repo('acme', 'payments-api'), config, { channel: '#payments-oncall' }).channels).toEqual(['#payments', '#payments-oncall']);
    expect(routeRelease(repo('other', 'thing'), config, { channel: 'release-train' }).channels).toEqual(['#deploys', 'release-train']);
  });

  it('refuses a channel outside the allow-lists, so a pusher cannot route alerts anywhere', () => {
    const sut = routeRelease(repo('acme', 'shop-api'), config, { channel: '#payments-oncall' });

    expect(sut.channels).toEqual(['#acme']);
    expect(sut.refusedChannel).toBe('#payments-oncall');
  });

  it('does not post twice in one channel named two ways', () => {
    expect(routeRelease(repo('acme', 'payments-api'), config, { channel: 'payments' }).channels).toEqual(['#payments']);
  });

  it('honours the notify settings an audit.completed carries, as consumed from Kafka', () => {
    const audit = AuditCompletedEvent.parse(
      exampleAuditCompleted({ repoNotify: { status: 'valid', settings: { channel: '#payments-oncall', mentions: ['U024BE7LH'], minSeverity: 'critical' } } }),
    );
    const settings = audit.repoNotify?.status === 'valid' ? audit.repoNotify.settings : undefined;

    expect(routeRelease(repo('acme', 'payments-api'), config, settings)).toMatchObject({
      channels: ['#payments', '#payments-oncall'],
      minSeverity: 'critical',
      mentions: ['S0614TZR7', 'U024BE7LH'],
    });
  });

  it('takes severity filter and mentions from the rule, then the repository', () => {
    expect(routeRelease(repo('acme', 'payments-api'), config)).toMatchObject({ minSeverity: 'high', mentions: ['S0614TZR7'] });
    expect(routeRelease(repo('acme', 'payments-api'), config, { minSeverity: 'critical', mentions: ['U0ALICE', 'S0614TZR7'] })).toMatchObject({
      minSeverity: 'critical',
      mentions: ['S0614TZR7', 'U0ALICE'],
    });
  });
});

describe('globMatches', () => {
  it.each([
    ['github/acme/*', 'github/acme/shop', true],
    ['github/acme/*', 'github/acme/sub/shop', false],
    ['*/acme/**', 'gitlab/acme/sub/shop', true],
    ['**', 'gitea/x/y', true],
    ['github/acme/shop.api', 'github/acme/shopXapi', false],
  ])('%s vs %s → %s', (glob, key, expected) => {
    expect(globMatches(glob, key)).toBe(expected);
  });
});

describe('config schemas', () => {
  it('rejects a routing config without a default channel or with a glob that is not one', () => {
    expect(() => parseRoutingConfig({ routes: [] })).toThrow(/defaultChannel/);
    expect(() => parseRoutingConfig({ defaultChannel: '#d', routes: [{ repositories: 'acme/(.*)', channels: ['#x'] }] })).toThrow(NotifyConfigError);
  });
});

describe('authorMentions', () => {
  it('maps known commit authors to Slack ids, once each, and skips the rest', () => {
    expect(authorMentions(['Mona Lisa Octocat', 'Someone Else', 'Mona Lisa Octocat', 'constructor'], config)).toEqual(['U0MONA']);
  });
});
