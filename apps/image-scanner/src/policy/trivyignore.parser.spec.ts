import { describe, expect, it } from 'vitest';
import { MAX_TRIVYIGNORE_ENTRIES, parseTrivyIgnore } from './trivyignore.parser.js';

describe('parseTrivyIgnore', () => {
  it('reads ids one per line, comments as reasons, and exp: as the end of that day', () => {
    const sut = parseTrivyIgnore(['# Accept the risk', '# (build stage only)', 'CVE-2018-14618', '', 'CVE-2019-14697 exp:2023-01-01  # trailing note', 'GHSA-xvch-5gv4-984h\r', ''].join('\n'));
    expect(sut).toEqual({
      entries: [
        { id: 'CVE-2018-14618', reason: 'Accept the risk (build stage only)', line: 3 },
        { id: 'CVE-2019-14697', until: '2023-01-01T23:59:59.000Z', line: 5 },
        { id: 'GHSA-xvch-5gv4-984h', line: 6 },
      ],
      problems: [],
    });
  });

  it('reports malformed lines with their number and keeps the rest', () => {
    const sut = parseTrivyIgnore('CVE-1 exp:2023-13-45\nCVE-2 exp:tomorrow\nnot an id!\nCVE-3 extra words\nCVE-4\n');
    expect(sut.entries.map((e) => e.id)).toEqual(['CVE-4']);
    expect(sut.problems).toEqual([1, 2, 3, 4].map((n) => `.trivyignore:${n}: expected an advisory id, optionally followed by exp:YYYY-MM-DD`));
  });

  it('is bounded in entries', () => {
    const sut = parseTrivyIgnore(Array.from({ length: MAX_TRIVYIGNORE_ENTRIES + 3 }, (_, i) => `CVE-2024-${i}`).join('\n'));
    expect(sut.entries).toHaveLength(MAX_TRIVYIGNORE_ENTRIES);
    expect(sut.problems).toEqual([`.trivyignore: more than ${MAX_TRIVYIGNORE_ENTRIES} entries; the rest is ignored`]);
  });
});
