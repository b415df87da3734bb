import { exampleAuditCompleted, exampleAuditFinding, exampleScmPush } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { foldEvents, type ThreadEvent } from '../thread/release-thread.js';
import { parseRoutingConfig } from './route-release.js';
import { routeThread } from './route-thread.js';

const config = parseRoutingConfig({
  defaultChannel: '#deploys',
  routes: [{ repositories: 'github/acme/*', channels: ['#shop'], mentions: ['S0PLATFORM'] }],
  authorSlackIds: { 'Mona Lisa Octocat': 'U0MONA', 'Leaky Larry': 'U0LARRY' },
});
const thread = (...bodies: ThreadEvent['body'][]) => foldEvents(bodies.map((body, i) => ({ id: `e${i}`, body })))!;

describe('routeThread', () => {
  it('mentions the commit author and the authors of findings that the config maps, after the rule’s own mentions', () => {
    const sut = routeThread(thread(exampleScmPush(), exampleAuditCompleted({ repoNotify: undefined, findings: [exampleAuditFinding({ author: 'Leaky Larry' }), exampleAuditFinding({ author: 'Unmapped Ursula' })] })), config);

    expect(sut.channels).toEqual(['#shop']);
    expect(sut.mentions).toEqual(['S0PLATFORM', 'U0MONA', 'U0LARRY']);
  });

  it('honours the repository’s valid notify section from the audit, and ignores an invalid one', () => {
    const valid = exampleAuditCompleted({ findings: [], repoNotify: { status: 'valid', settings: { channel: '#shop', mentions: ['U0OWNER'], minSeverity: 'high' } } });
    const invalid = exampleAuditCompleted({ findings: [], repoNotify: { status: 'invalid', problems: [{ path: 'notify.chanel', reason: 'UNKNOWN_KEY' }], problemsTruncated: false } });

    expect(routeThread(thread(valid), config)).toMatchObject({ channels: ['#shop'], mentions: ['S0PLATFORM', 'U0OWNER'], minSeverity: 'high' });
    expect(routeThread(thread(invalid), config)).toMatchObject({ channels: ['#shop'], mentions: ['S0PLATFORM'], minSeverity: 'unknown' });
  });

  it('adds nobody while the thread knows no author', () => {
    const sut = routeThread(thread(exampleAuditCompleted({ repoNotify: undefined, findings: [] })), config);

    expect(sut.mentions).toEqual(['S0PLATFORM']);
  });
});
