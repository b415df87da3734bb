import {
  exampleAuditCompleted,
  exampleAuditFailed,
  exampleRegistryBuildAnnounced,
  exampleReleaseTransition,
  exampleScanCompleted,
  exampleScanFailed,
  exampleScmPush,
} from '@portcullis/contracts';
import type { ActionsBlock, KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { expectWithinSlackLimits, visibleText } from '../../test/expect-within-slack-limits.js';
import { foldEvents, type ReleaseThread, type ThreadEvent } from '../thread/release-thread.js';
import { decodeActionValue } from './action-values.js';
import { renderRoot } from './render-root.js';

const ev = (id: string, body: ThreadEvent['body']): ThreadEvent => ({ id, time: '2025-01-15T09:30:00.000Z', body });
const thread = (...events: ThreadEvent[]): ReleaseThread => {
  const t = foldEvents(events);
  if (!t) throw new Error('no thread');
  return t;
};
const links = { commitUrl: 'https://github.com/{owner}/{name}/commit/{sha}', findingsUrl: 'https://portcullis.example.com/releases/{releaseId}/findings' };
const buttons = (blocks: KnownBlock[]) =>
  blocks.filter((b): b is ActionsBlock => b.type === 'actions').flatMap((b) => b.elements.flatMap((e) => (e.type === 'button' ? [e] : [])));

describe('renderRoot', () => {
  it('names the release, its branch and links the commit and the build', () => {
    const sut = renderRoot(thread(ev('a', exampleAuditCompleted()), ev('b', exampleRegistryBuildAnnounced())), links);
    const text = visibleText(sut);

    expect(sut.blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringContaining('acme/shop-api@a3c1f0e') } });
    expect(text).toContain('main');
    expect(text).toContain('<https://github.com/acme/shop-api/commit/a3c1f0e5d4b2a9876543210fedcba9876543210f|commit a3c1f0e>');
    expect(text).toContain('<https://ci.example.com/acme/shop-api/builds/1841|build 1841>');
    expect(text).toContain('https://portcullis.example.com/releases/github%2Facme%2Fshop-api%40a3c1f0e5d4b2a9876543210fedcba9876543210f/findings');
  });

  it('shows who wrote the commit and its title once the push arrived, and the secrets gate as pending', () => {
    const sut = renderRoot(thread(ev('p', exampleScmPush({ commits: [{ sha: exampleScmPush().after, title: 'Fix <!channel> *bold*', author: 'Mona Lisa Octocat' }] }))), links);
    const text = visibleText(sut);

    expect(text).toContain('Mona Lisa Octocat');
    expect(text).toContain('Fix &lt;!channel&gt;');
    expect(text).toContain('audit pending');
    expectWithinSlackLimits(sut);
  });

  it('shows the rollout steps in place, each time in the reader’s time zone', () => {
    const at = (minute: number) => `2025-01-15T10:0${minute}:00.000Z`;
    const sut = renderRoot(
      thread(
        ev('d1', exampleReleaseTransition({ environment: 'staging', sequence: 1, from: null, to: 'waiting', reason: 'WaitingForScan', observedAt: at(1), blocking: undefined })),
        ev('d2', exampleReleaseTransition({ environment: 'staging', sequence: 2, from: 'waiting', to: 'deploying', reason: 'PreviewReady', observedAt: at(2), blocking: undefined })),
        ev('d3', exampleReleaseTransition({ environment: 'staging', sequence: 3, from: 'deploying', to: 'succeeded', reason: 'RolloutComplete', observedAt: at(4), blocking: undefined })),
      ),
      links,
    );

    expect(visibleText(sut)).toContain(
      `waiting <!date^${Date.parse(at(1)) / 1000}^{time}|10:01 UTC> → deploying (PreviewReady) <!date^${Date.parse(at(2)) / 1000}^{time}|10:02 UTC> → deployed <!date^${Date.parse(at(4)) / 1000}^{time}|10:04 UTC>`,
    );
    expectWithinSlackLimits(sut);
  });

  it('shows a failed secrets gate with its counts and policy, and the overall status as blocked', () => {
    const sut = renderRoot(thread(ev('a', exampleAuditCompleted())), links);
    const text = visibleText(sut);

    expect(text).toMatch(/:x: \*secrets\* — failed: 1 high \(fails on high\+\)/);
    expect(text).toContain(':no_entry:');
    expect(sut.text).toContain('blocked');
  });

  it('says when the audit could not run, and that the image scan waits for a build', () => {
    const text = visibleText(renderRoot(thread(ev('a', exampleAuditFailed()))));

    expect(text).toContain('could not audit: FETCH_FAILED');
    expect(text).toContain('waiting for a build');
  });

  it('shows one image-scan line per image, with the failure code of an image that could not be scanned', () => {
    const other = { registry: 'registry.example.com', repository: 'acme/shop-worker', tag: '1.4.2', digest: `sha256:${'5a'.repeat(32)}` };
    const text = visibleText(renderRoot(thread(ev('s1', exampleScanCompleted()), ev('s2', exampleScanFailed({ image: other })))));

    expect(text).toMatch(/:x: \*image-scan\* acme\/shop-api:1\.4\.2 `sha256:4f4f4f4f4f4f` — failed: 1 critical/);
    expect(text).toMatch(/:warning: \*image-scan\* acme\/shop-worker:1\.4\.2 `sha256:5a5a5a5a5a5a` — could not scan: DIGEST_MISMATCH/);
  });

  it('shows each environment with its state, reason and message', () => {
    const text = visibleText(renderRoot(thread(ev('d', exampleReleaseTransition()))));

    expect(text).toContain(':no_entry: *production* — blocked · `GateBlocked` (blue-green)');
    expect(text).toContain('The secrets gate failed: 1 high finding (policy fails on high and above).');
  });

  it('offers approve only while an environment waits for approval', () => {
    const waiting = exampleReleaseTransition({ to: 'waiting', reason: 'WaitingForApproval', waitingFor: ['approval'], blocking: undefined });
    const sut = buttons(renderRoot(thread(ev('d', waiting))).blocks);

    expect(sut.map((b) => b.action_id)).toEqual(['release.approve']);
    expect(sut[0]?.text.text).toBe('Approve production');
    expect(decodeActionValue(sut[0]?.value ?? '')).toEqual({ releaseId: waiting.releaseId, environment: 'production' });
  });

  it('offers promote and roll back while a blue-green rollout runs, roll back only once it is live, nothing when blocked', () => {
    const deploying = exampleReleaseTransition({ sequence: 3, to: 'deploying', reason: 'RolloutStarted', blocking: undefined });
    const succeeded = exampleReleaseTransition({ sequence: 4, to: 'succeeded', reason: 'RolloutComplete', blocking: undefined });

    expect(buttons(renderRoot(thread(ev('d', deploying))).blocks).map((b) => b.action_id)).toEqual(['release.promote', 'release.rollback']);
    expect(buttons(renderRoot(thread(ev('d', succeeded))).blocks).map((b) => b.action_id)).toEqual(['release.rollback']);
    expect(buttons(renderRoot(thread(ev('d', exampleReleaseTransition()))).blocks)).toEqual([]);
  });

  it('asks for confirmation before a rollback', () => {
    const succeeded = exampleReleaseTransition({ sequence: 4, to: 'succeeded', reason: 'RolloutComplete', blocking: undefined });
    const [rollback] = buttons(renderRoot(thread(ev('d', succeeded))).blocks);

    expect(rollback?.style).toBe('danger');
    expect(rollback?.confirm?.title?.text).toBe('Roll back production?');
  });

  it('gives every environment its own actions block, so action ids stay unique within a block', () => {
    const t = thread(
      ev('d1', exampleReleaseTransition({ environment: 'staging', to: 'succeeded', reason: 'RolloutComplete', blocking: undefined })),
      ev('d2', exampleReleaseTransition({ environment: 'production', to: 'succeeded', reason: 'RolloutComplete', blocking: undefined })),
    );
    const actionBlocks = renderRoot(t).blocks.filter((b): b is ActionsBlock => b.type === 'actions');

    expect(actionBlocks.map((b) => b.block_id)).toEqual(['actions:production', 'actions:staging']);
  });

  it('escapes event text so it cannot mention the channel or forge a link', () => {
    const hostile = exampleReleaseTransition({ message: 'deploy <!channel> see <https://evil.example|docs> & more' });
    const t = thread(ev('a', exampleAuditCompleted({ ref: 'refs/heads/<!here>' })), ev('d', hostile));
    const sut = renderRoot(t);
    const text = visibleText(sut);

    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<!here>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toContain('&lt;!channel&gt;');
    expect(sut.text).toContain('&lt;!here&gt;');
  });

  it('leaves out a link whose template does not give an http(s) URL', () => {
    const text = visibleText(renderRoot(thread(ev('a', exampleAuditCompleted())), { commitUrl: 'javascript:alert(1)//{sha}' }));

    expect(text).not.toContain('javascript:');
    expect(text).toContain('commit a3c1f0e');
  });

  it('stays within Slack limits with every environment and image at the contract maximum', () => {
    const longMessage = 'x'.repeat(1000);
    const images = Array.from({ length: 20 }, (_, i) => ({ registry: 'registry.example.com', repository: `acme/${'service-'.repeat(20)}${i}`, tag: 't'.repeat(128), digest: `sha256:${String(i).padStart(2, '0').repeat(32)}` }));
    const events = Array.from({ length: 25 }, (_, i) =>
      ev(`d${i}`, exampleReleaseTransition({ environment: `${'e'.repeat(60)}${String(i).padStart(3, '0')}`, to: 'deploying', message: longMessage, images, blocking: undefined })),
    );
    const sut = renderRoot(thread(ev('a', exampleAuditCompleted()), ...events), links);

    expectWithinSlackLimits(sut);
    expect(buttons(sut.blocks).length).toBeGreaterThan(0);
    for (const b of buttons(sut.blocks)) expect(b.text.text.length).toBeLessThanOrEqual(75);
  });
});
