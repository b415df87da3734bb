import { MAX_IMAGE_TEST_RESULTS } from '@portcullis/contracts';
import { summarize, type ImageTestResult } from '@portcullis/image-tests';
import { describe, expect, it } from 'vitest';
import { imageTestsSection, invalidImageTestsSection } from './image-tests.section.js';

const r = (id: string, status: ImageTestResult['status'], reason?: string): ImageTestResult => ({ id, kind: 'command', status, ...(reason ? { reason } : {}) });

describe('imageTestsSection', () => {
  it('orders failures, then tests that did not run, then passed ones, each in the engine order', () => {
    const results = [r('command.a', 'passed'), r('command.b', 'not-run', 'no runner'), r('command.c', 'failed', 'exit 1'), r('command.d', 'failed', 'exit 2')];

    const sut = imageTestsSection({ ...summarize(results), results });

    expect(sut.results.map((x) => x.id)).toEqual(['command.c', 'command.d', 'command.b', 'command.a']);
    expect(sut).toMatchObject({ verdict: 'failed', passed: 1, failed: 2, notRun: 1, resultsTruncated: false });
  });

  it('keeps the counts of everything but lists at most the contract bound, keeping the failures, and cuts long reasons', () => {
    const results = [...Array.from({ length: MAX_IMAGE_TEST_RESULTS }, (_, i) => r(`command.p${i}`, 'passed')), r('command.broken', 'failed', 'x'.repeat(300))];

    const sut = imageTestsSection({ ...summarize(results), results });

    expect(sut.results).toHaveLength(MAX_IMAGE_TEST_RESULTS);
    expect(sut.results[0]).toEqual({ id: 'command.broken', kind: 'command', status: 'failed', reason: `${'x'.repeat(199)}…` });
    expect(sut).toMatchObject({ passed: MAX_IMAGE_TEST_RESULTS, failed: 1, resultsTruncated: true });
  });
});

describe('invalidImageTestsSection', () => {
  it('fails the gate with the problems and no results', () => {
    expect(invalidImageTestsSection(['imageTests.metadata: Unrecognized key: "nonroot"'])).toEqual({
      verdict: 'failed',
      passed: 0,
      failed: 0,
      notRun: 0,
      results: [],
      resultsTruncated: false,
      problems: ['imageTests.metadata: Unrecognized key: "nonroot"'],
    });
  });
});
