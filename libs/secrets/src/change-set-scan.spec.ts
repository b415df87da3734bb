import { describe, expect, it } from 'vitest';
import { type AttributedFinding, mergeManifest } from './change-set-scan.js';

const finding = (over: Partial<AttributedFinding>): AttributedFinding => ({
  ruleId: 'generic-password',
  kind: 'secret',
  severity: 'high',
  path: 'deploy/db.yaml',
  line: 7,
  description: 'a password',
  fingerprint: 'a'.repeat(64),
  preview: 'password: ***',
  commit: '1'.repeat(40),
  author: 'Ann <ann@example.com>',
  ...over,
});
const AFTER = '9'.repeat(40);

describe('mergeManifest', () => {
  it("takes the analyser's rule for a value both found, and keeps the commit that added it", () => {
    const line = finding({});
    const manifest = finding({ ruleId: 'k8s-plain-secret', kind: 'manifest', commit: AFTER, author: '' });
    expect(mergeManifest([{ finding: line, text: '  password: x' }], [manifest], 'kind: Secret\n  password: x\n')).toEqual([
      { ...manifest, commit: line.commit, author: line.author },
    ]);
  });

  it('drops a line finding the analyser did not confirm while the line is still in the file (ciphertext, encoded value)', () => {
    const line = finding({ fingerprint: 'b'.repeat(64) });
    expect(mergeManifest([{ finding: line, text: '    password: AgBy3i4OJSWK' }], [], 'kind: SealedSecret\n    password: AgBy3i4OJSWK\n')).toEqual([]);
  });

  it('keeps a line finding whose line is gone from the file: added and removed again, it is in history', () => {
    const line = finding({ fingerprint: 'c'.repeat(64) });
    expect(mergeManifest([{ finding: line, text: '  password: hunter2hunter2' }], [], 'kind: ConfigMap\n')).toEqual([line]);
  });

  it('adds what only the whole file shows (a value that was there before this push)', () => {
    const manifest = finding({ ruleId: 'k8s-plain-secret', kind: 'manifest', commit: AFTER });
    expect(mergeManifest([], [manifest], '')).toEqual([manifest]);
  });
});
