import { describe, expect, it } from 'vitest';
import { allLinesOf, isLfsPointer, looksBinary, UnifiedDiffParser, type PatchBlock } from './unified-diff.parser.js';

function parse(patch: string | Buffer): PatchBlock[] {
  const sut = new UnifiedDiffParser();
  const bytes = typeof patch === 'string' ? Buffer.from(patch, 'utf8') : patch;
  const blocks: PatchBlock[] = [];
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) break;
    const done = sut.feed(bytes.subarray(start, end));
    if (done) blocks.push(done);
    start = end + 1;
  }
  const last = sut.end();
  if (last) blocks.push(last);
  return blocks;
}

describe('UnifiedDiffParser', () => {
  it('numbers added lines by the new side of each hunk, across several hunks', () => {
    const blocks = parse(
      [
        'diff --git a/app.env b/app.env',
        'index 1111111..2222222 100644',
        '--- a/app.env',
        '+++ b/app.env',
        '@@ -2 +2,2 @@',
        '-OLD=1',
        '+NEW=1',
        '+TOKEN=abc',
        '@@ -10,0 +11 @@ section',
        '+TAIL=yes',
        '',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      {
        binary: false,
        addedLines: [
          { line: 2, text: 'NEW=1' },
          { line: 3, text: 'TOKEN=abc' },
          { line: 11, text: 'TAIL=yes' },
        ],
      },
    ]);
  });

  it('treats added lines that look like headers as content', () => {
    const blocks = parse(
      [
        'diff --git a/x.md b/x.md',
        'new file mode 100644',
        'index 0000000..3333333',
        '--- /dev/null',
        '+++ b/x.md',
        '@@ -0,0 +1,3 @@',
        '+++ not a header',
        '+diff --git a/evil b/evil',
        '+@@ -1 +1 @@',
        'diff --git a/y.txt b/y.txt',
        'deleted file mode 100644',
        'index 4444444..0000000',
        '--- a/y.txt',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-gone',
        '',
      ].join('\n'),
    );
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.addedLines.map((l) => l.text)).toEqual(['++ not a header', 'diff --git a/evil b/evil', '@@ -1 +1 @@']);
    expect(blocks[1]!.addedLines).toEqual([]);
  });

  it('flags binary blocks and keeps blocks without hunks (mode change, pure rename)', () => {
    const blocks = parse(
      [
        'diff --git a/logo.png b/logo.png',
        'new file mode 100644',
        'index 0000000..5555555',
        'Binary files /dev/null and b/logo.png differ',
        'diff --git a/run.sh b/run.sh',
        'old mode 100644',
        'new mode 100755',
        'diff --git a/a b/b',
        'similarity index 100%',
        'rename from a',
        'rename to b',
        '',
      ].join('\n'),
    );
    expect(blocks.map((b) => b.binary)).toEqual([true, false, false]);
    expect(blocks.every((b) => b.addedLines.length === 0)).toBe(true);
  });

  it('ignores "no newline at end of file" markers and strips CR of CRLF lines', () => {
    const blocks = parse(
      [
        'diff --git a/k b/k',
        '--- a/k',
        '+++ b/k',
        '@@ -1 +1,2 @@',
        '-a',
        '\\ No newline at end of file',
        '+a\r',
        '+secret',
        '\\ No newline at end of file',
        '',
      ].join('\n'),
    );
    expect(blocks[0]!.addedLines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'secret' },
    ]);
  });

  it('decodes non-UTF-8 bytes with replacement characters instead of failing', () => {
    const patch = Buffer.concat([
      Buffer.from('diff --git a/l1 b/l1\n--- /dev/null\n+++ b/l1\n@@ -0,0 +1 @@\n+caf'),
      Buffer.from([0xe9]),
      Buffer.from('=1\n'),
    ]);
    expect(parse(patch)[0]!.addedLines).toEqual([{ line: 1, text: 'caf\uFFFD=1' }]);
  });

  it('rejects lines that break the hunk grammar instead of guessing', () => {
    expect(() => parse('diff --git a/a b/a\n@@ -1 +1 @@\n?weird\n')).toThrow(/hunk grammar/);
  });
});

describe('whole-file helpers', () => {
  it('splits a file into numbered lines, with or without a final newline', () => {
    expect(allLinesOf(Buffer.from('one\r\ntwo\nthree'))).toEqual([
      { line: 1, text: 'one' },
      { line: 2, text: 'two' },
      { line: 3, text: 'three' },
    ]);
    expect(allLinesOf(Buffer.from('x\n'))).toEqual([{ line: 1, text: 'x' }]);
  });

  it('detects binary content and LFS pointers', () => {
    expect(looksBinary(Buffer.from([0x89, 0x50, 0x00, 0x01]))).toBe(true);
    expect(looksBinary(Buffer.from('plain text'))).toBe(false);
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:' + 'a'.repeat(64) + '\nsize 123\n';
    expect(isLfsPointer(Buffer.from(pointer))).toBe(true);
    expect(isLfsPointer(Buffer.from('version 1.0\n'))).toBe(false);
  });
});
