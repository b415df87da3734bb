import { describe, expect, it } from 'vitest';
import { parseRawDiff } from './raw-diff.parser.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('parseRawDiff', () => {
  it('reads -z records verbatim: spaces, quotes, newlines and unicode in names', () => {
    const out = Buffer.from(
      [`:000000 100644 ${Z} ${A} A`, 'dir/with space/"quoted"\nname.txt', `:100644 100644 ${A} ${B} M`, 'ünïcødé/ファイル.yaml', ''].join('\0'),
    );
    expect(parseRawDiff(out)).toEqual([
      { status: 'A', oldMode: '000000', newMode: '100644', oldOid: Z, newOid: A, path: 'dir/with space/"quoted"\nname.txt' },
      { status: 'M', oldMode: '100644', newMode: '100644', oldOid: A, newOid: B, path: 'ünïcødé/ファイル.yaml' },
    ]);
  });

  it('gives renames and copies both paths and their score', () => {
    const out = Buffer.from([`:100644 100755 ${A} ${B} R087`, 'old name', 'new name', `:100644 100644 ${A} ${A} C100`, 'src', 'copy', ''].join('\0'));
    const [rename, copy] = parseRawDiff(out);
    expect(rename).toMatchObject({ status: 'R', score: 87, previousPath: 'old name', path: 'new name', newMode: '100755' });
    expect(copy).toMatchObject({ status: 'C', score: 100, previousPath: 'src', path: 'copy' });
  });

  it('fails loudly on output it does not understand', () => {
    expect(() => parseRawDiff(Buffer.from('commit abc\0'))).toThrow(/unexpected raw diff record/);
    expect(() => parseRawDiff(Buffer.from(`:100644 100644 ${A} ${B} R090\0only-one\0`))).toThrow(/destination/);
  });
});
