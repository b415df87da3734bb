import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from './keyword-automaton.js';

function hits(sut: KeywordAutomaton, text: string, chunk = text.length): [string, number][] {
  const out: [string, number][] = [];
  let state = 0;
  for (let from = 0; from < text.length; from += chunk) {
    state = sut.scan(text, from, Math.min(text.length, from + chunk), (k, end) => out.push([sut.keywords[k], end]), state);
  }
  return out;
}

describe('KeywordAutomaton', () => {
  const sut = new KeywordAutomaton(['he', 'she', 'his', 'hers', 'ghp_', 'Ünï']);

  it('finds every occurrence, overlapping ones included, with their end offsets', () => {
    expect(hits(sut, 'ushers')).toEqual([
      ['she', 4],
      ['he', 4],
      ['hers', 6],
    ]);
  });

  it('matches ASCII case-insensitively, and non-ASCII letters in either case', () => {
    expect(hits(sut, 'GHP_x SHE ünÏ').map(([k]) => k)).toEqual(['ghp_', 'she', 'he', 'ünï']);
  });

  it('finds a keyword across chunk borders when the state is carried over', () => {
    expect(hits(sut, 'xxghp_yy', 3)).toEqual([['ghp_', 6]]);
  });

  it('finds nothing in text without keywords', () => {
    expect(hits(sut, 'abc def 123')).toEqual([]);
  });
});
