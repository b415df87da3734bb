import { ZERO_SHA } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { coveredReason, decideScanRange, tipRelationOf } from './scan-range.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);
const X = 'e'.repeat(40);

describe('decideScanRange', () => {
  it('first push of a known ref without a tip: exactly the pushed range', () => {
    const sut = decideScanRange({ before: A, after: B, tip: undefined });
    expect(sut).toEqual({ action: 'scan', reason: 'first-push', include: B, exclude: [A], excludeOtherRefs: false, reported: { before: A, after: B }, nextTip: B });
  });

  it('normal push from the tip: exactly the pushed range', () => {
    const sut = decideScanRange({ before: A, after: B, tip: A, relation: 'tip-behind' });
    expect(sut).toMatchObject({ action: 'scan', reason: 'fast-forward', include: B, exclude: [A], nextTip: B });
  });

  it('stale redelivery of the push that set the tip: nothing to scan', () => {
    expect(decideScanRange({ before: A, after: B, tip: B })).toEqual({ action: 'skip', reason: 'already-scanned' });
  });

  it('newer push overtaking a queued older one scans from the tip, then the older one is skipped', () => {
    // P1 A→B is still retrying; P2 B→C arrives with the tip still at A.
    const newer = decideScanRange({ before: B, after: C, tip: A, relation: 'tip-behind' });
    expect(newer).toMatchObject({ action: 'scan', reason: 'covers-queued', include: C, exclude: [A], reported: { before: A, after: C }, nextTip: C });
    // When P1 finally runs, the tip is C and B is its ancestor: covered, not scanned twice.
    const older = decideScanRange({ before: A, after: B, tip: C, relation: tipRelationOf(C, B, { tipIsAncestorOfAfter: false, afterIsAncestorOfTip: true }) });
    expect(older).toEqual({ action: 'skip', reason: 'already-scanned' });
  });

  it('a push whose before is behind the tip scans only what the tip lacks', () => {
    const sut = coveredReason(decideScanRange({ before: B, after: D, tip: C, relation: 'tip-behind' }), true);
    expect(sut).toMatchObject({ action: 'scan', reason: 'before-covered', include: D, exclude: [C] });
  });

  it('force push (before is not the tip, history rewritten): everything after has that the scanned tip lacks', () => {
    const sut = decideScanRange({ before: B, after: X, tip: B, relation: 'diverged' });
    expect(sut).toMatchObject({ action: 'scan', reason: 'force-push', include: X, exclude: [B], excludeOtherRefs: false, reported: { before: B, after: X }, nextTip: X });
  });

  it('new branch: every commit no other ref has, reported from all zeros', () => {
    const sut = decideScanRange({ before: ZERO_SHA, after: B, tip: undefined });
    expect(sut).toEqual({ action: 'scan', reason: 'new-ref', include: B, exclude: [], excludeOtherRefs: true, reported: { before: ZERO_SHA, after: B }, nextTip: B });
  });

  it('a branch re-created on top of a remembered tip scans from that tip', () => {
    const sut = decideScanRange({ before: ZERO_SHA, after: C, tip: A, relation: 'tip-behind' });
    expect(sut).toMatchObject({ action: 'scan', reason: 'before-covered', include: C, exclude: [A] });
  });

  it('deleted ref: nothing to scan, whatever the tip', () => {
    expect(decideScanRange({ before: B, after: ZERO_SHA, tip: B })).toEqual({ action: 'skip', reason: 'ref-deleted' });
    expect(decideScanRange({ before: B, after: ZERO_SHA, tip: undefined })).toEqual({ action: 'skip', reason: 'ref-deleted' });
    expect(decideScanRange({ before: B, after: '0'.repeat(64), tip: undefined })).toEqual({ action: 'skip', reason: 'ref-deleted' });
  });

  it('refuses to guess when the tip differs and git was not asked', () => {
    expect(() => decideScanRange({ before: A, after: B, tip: A })).toThrow(/relation/);
  });

  it('never leaves a commit out: the excluded tip is always one whose history was scanned', () => {
    for (const relation of ['tip-behind', 'diverged'] as const) {
      for (const before of [A, B, ZERO_SHA]) {
        const sut = decideScanRange({ before, after: C, tip: A, relation });
        expect(sut.action).toBe('scan');
        if (sut.action === 'scan') expect(sut.exclude).toEqual([A]);
      }
    }
  });
});

describe('tipRelationOf', () => {
  it('maps git ancestry answers to a relation', () => {
    expect(tipRelationOf(A, A, { tipIsAncestorOfAfter: true, afterIsAncestorOfTip: true })).toBe('same');
    expect(tipRelationOf(A, B, { tipIsAncestorOfAfter: true, afterIsAncestorOfTip: false })).toBe('tip-behind');
    expect(tipRelationOf(B, A, { tipIsAncestorOfAfter: false, afterIsAncestorOfTip: true })).toBe('tip-ahead');
    expect(tipRelationOf(A, X, { tipIsAncestorOfAfter: false, afterIsAncestorOfTip: false })).toBe('diverged');
  });
});
