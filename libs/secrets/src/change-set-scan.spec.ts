import { describe, expect, it } from 'vitest';
import { type AttributedFinding, ChangeSetScan, mergeManifest } from './change-set-scan.js';
import type { FileScanResult, Finding, ScanInput } from './model.js';

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

describe('ChangeSetScan', () => {
  const COMMIT = '1'.repeat(40);
  const lines = (path: string, text: string) => ({ kind: 'lines' as const, commit: COMMIT, author: 'Ann <ann@example.com>', path, lines: [{ line: 3, text }] });
  const found = (input: ScanInput): Finding => ({
    ruleId: 'generic-password',
    kind: 'secret',
    severity: 'high',
    description: 'a password',
    path: input.path,
    line: 3,
    fingerprint: input.path.padEnd(64, 'f'),
    preview: 'password: ***',
  });

  /** A scanner whose scans end only when the test says so, in any order. */
  function manualScanner() {
    const calls: { input: ScanInput; finish: () => void; fail: (error: Error) => void }[] = [];
    const scanner = {
      scan: (input: ScanInput) =>
        new Promise<FileScanResult>((resolve, reject) => {
          calls.push({
            input,
            finish: () => resolve({ findings: [found(input)], skips: input.path.endsWith('.min.js') ? [{ path: input.path, reason: 'TIME_BUDGET' }] : [] }),
            fail: reject,
          });
        }),
    };
    return { scanner, calls };
  }
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('by default, add resolves only once its own file is scanned, so finish can follow it', async () => {
    const { scanner, calls } = manualScanner();
    const sut = new ChangeSetScan(scanner);
    let added = false;
    const adding = sut.add(lines('a.ts', 'password = "hunter2hunter2"')).then(() => (added = true));
    await settle();
    expect(added).toBe(false);
    calls[0]!.finish();
    await adding;
    expect(sut.finish().findings.map((f) => f.path)).toEqual(['a.ts']);
  });

  it('with maxPendingScans, hands several files over before waiting, and records them in add order whatever order they end in', async () => {
    const { scanner, calls } = manualScanner();
    const sut = new ChangeSetScan(scanner, { maxPendingScans: 2 });
    await sut.add(lines('a.ts', 'x'));
    await sut.add({ kind: 'skipped', path: 'big.bin', reason: 'TOO_LARGE' });
    await sut.add(lines('b.min.js', 'y'));
    // a.ts, the skip and b.min.js are pending: the next add waits for the oldest scan (a.ts)
    let added = false;
    const adding = sut.add(lines('c.ts', 'z')).then(() => (added = true));
    await settle();
    expect(calls.map((c) => c.input.path)).toEqual(['a.ts', 'b.min.js', 'c.ts']);
    expect(added).toBe(false);
    calls[2]!.finish();
    calls[1]!.finish();
    await settle();
    expect(added).toBe(false);
    calls[0]!.finish();
    await adding;
    const done = await sut.complete();
    expect(done.findings.map((f) => f.path)).toEqual(['a.ts', 'b.min.js', 'c.ts']);
    expect(done.skips).toEqual([
      { path: 'big.bin', reason: 'TOO_LARGE' },
      { path: 'b.min.js', reason: 'TIME_BUDGET' },
    ]);
    expect(done.files).toBe(3);
  });

  it('joins a manifest with the line findings of its file when both are still being scanned', async () => {
    const scanner = { scan: async (input: ScanInput): Promise<FileScanResult> => ({ findings: [{ ...found(input), fingerprint: 'e'.repeat(64) }], skips: [] }) };
    const sut = new ChangeSetScan(scanner, { maxPendingScans: 8 });
    await sut.add(lines('deploy/db.yaml', '  password: hunter2hunter2'));
    await sut.add({ kind: 'manifest', commit: '9'.repeat(40), author: '', path: 'deploy/db.yaml', content: 'kind: Secret\n  password: hunter2hunter2\n' });
    const done = await sut.complete();
    // one finding, attributed to the commit that added the line
    expect(done.findings).toEqual([expect.objectContaining({ path: 'deploy/db.yaml', commit: COMMIT, author: 'Ann <ann@example.com>' })]);
  });

  it('refuses to finish while scans are pending', async () => {
    const { scanner, calls } = manualScanner();
    const sut = new ChangeSetScan(scanner, { maxPendingScans: 1 });
    await sut.add(lines('a.ts', 'x'));
    expect(() => sut.finish()).toThrow(/complete/);
    calls[0]!.finish();
    expect((await sut.complete()).findings).toHaveLength(1);
  });

  it('reports a failed scan from a later add, without an unhandled rejection meanwhile', async () => {
    const { scanner, calls } = manualScanner();
    const sut = new ChangeSetScan(scanner, { maxPendingScans: 1 });
    await sut.add(lines('a.ts', 'x'));
    calls[0]!.fail(new Error('worker died'));
    await settle();
    const next = sut.add(lines('b.ts', 'y'));
    await expect(next).rejects.toThrow('worker died');
  });

  it('calls beforeEach before handing each file over, not for skips', async () => {
    const order: string[] = [];
    const scanner = {
      scan: async (input: ScanInput): Promise<FileScanResult> => {
        order.push(`scan ${input.path}`);
        return { findings: [], skips: [] };
      },
    };
    const sut = new ChangeSetScan(scanner, { maxPendingScans: 4, beforeEach: async () => void order.push('wait') });
    await sut.add(lines('a.ts', 'x'));
    await sut.add({ kind: 'skipped', path: 'big.bin', reason: 'TOO_LARGE' });
    await sut.add(lines('b.ts', 'y'));
    await sut.complete();
    expect(order).toEqual(['wait', 'scan a.ts', 'wait', 'scan b.ts']);
  });

  it('refuses a negative or fractional maxPendingScans', () => {
    const scanner = { scan: async (): Promise<FileScanResult> => ({ findings: [], skips: [] }) };
    expect(() => new ChangeSetScan(scanner, { maxPendingScans: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => new ChangeSetScan(scanner, { maxPendingScans: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
