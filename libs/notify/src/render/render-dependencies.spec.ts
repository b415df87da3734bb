import { type AuditCompletedEvent, exampleAuditCompleted } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { expectWithinSlackLimits, visibleText } from '../../test/expect-within-slack-limits.js';
import { applyEvent, type ThreadEvent } from '../thread/release-thread.js';
import { renderReplies } from './render-replies.js';

type Dependencies = NonNullable<AuditCompletedEvent['dependencies']>;
const zero = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

function dependencies(overrides: Partial<Dependencies> = {}): Dependencies {
  const file: Dependencies['files'][number] = { path: '', format: 'package-lock', status: 'audited', packages: 412, unpinned: 0, unpinnedNames: [], unchecked: 0, counts: zero };
  return {
    vulndbVersion: 'sha256:abc',
    counts: { ...zero, critical: 1, high: 1 },
    fixableCounts: { ...zero, critical: 1 },
    files: [
      { ...file, path: 'web/package-lock.json', counts: { ...zero, critical: 1, high: 1 } },
      { ...file, path: 'worker/requirements.txt', format: 'requirements', status: 'error', error: { code: 'UNPARSABLE', message: 'not a valid requirements file' }, packages: 0 },
    ],
    filesTruncated: false,
    vulnerabilities: [
      { file: 0, id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], severity: 'critical', package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm', purl: 'pkg:npm/minimist@1.2.5' }, fixedVersion: '1.2.6' },
      { file: 0, id: 'GHSA-aaaa-bbbb-cccc', aliases: [], severity: 'high', package: { name: 'left-pad', version: '1.0.0', ecosystem: 'npm', purl: 'pkg:npm/left-pad@1.0.0' } },
    ],
    vulnerabilitiesTruncated: false,
    durationMs: 12,
    ...overrides,
  };
}

const cleanAudit = (deps?: Dependencies): ThreadEvent => ({
  id: 'a1',
  time: '2025-01-15T09:30:00.000Z',
  body: { ...exampleAuditCompleted({ verdict: 'pass', counts: zero, findings: [], skips: [] }), ...(deps ? { dependencies: deps } : {}) },
});

const repliesFor = (event: ThreadEvent) => {
  const thread = applyEvent(undefined, event);
  if (!thread) throw new Error('no thread');
  return renderReplies(undefined, thread);
};

describe('dependency findings of an audit', () => {
  it('get their own reply: advisory, package, pinned → fixed version and lockfile, and the files that could not be read', () => {
    const replies = repliesFor(cleanAudit(dependencies()));

    expect(replies.map((r) => r.key)).toEqual(['dependencies:a1']);
    const text = visibleText(replies[0]!);
    expect(text).toContain('1 critical, 1 high (1 fixable) in 2 changed lockfiles');
    expect(text).toContain('`GHSA-xvch-5gv4-984h` minimist 1.2.5 → 1.2.6 — `web/package-lock.json`');
    expect(text).toContain('left-pad 1.0.0 (no fix yet)');
    expect(text).toContain('`worker/requirements.txt` (UNPARSABLE)');
    expectWithinSlackLimits(replies[0]!);
  });

  it('say how many more there are than the thread keeps', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ ...dependencies().vulnerabilities[0]!, id: `GHSA-0000-0000-000${i}` }));
    const replies = repliesFor(cleanAudit(dependencies({ counts: { ...zero, critical: 40 }, vulnerabilities: many, vulnerabilitiesTruncated: false })));

    expect(visibleText(replies[0]!)).toContain('… and 35 more');
  });

  it('add no reply for a push without lockfiles or with clean ones', () => {
    expect(repliesFor(cleanAudit())).toEqual([]);
    expect(repliesFor(cleanAudit(dependencies({ counts: zero, fixableCounts: zero, vulnerabilities: [], files: [dependencies().files[0]!] })))).toEqual([]);
  });

  it('escape lockfile paths and package names from the repository', () => {
    const deps = dependencies();
    const hostile = dependencies({
      files: [{ ...deps.files[0]!, path: 'web/<!channel>`x`/package-lock.json' }],
      vulnerabilities: [{ ...deps.vulnerabilities[0]!, package: { ...deps.vulnerabilities[0]!.package, name: '<@U123>' } }],
    });
    const text = JSON.stringify(repliesFor(cleanAudit(hostile))[0]!.blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
  });
});
