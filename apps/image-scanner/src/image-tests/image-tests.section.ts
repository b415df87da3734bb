import { type ImageTestsSection, MAX_IMAGE_TEST_REASON, MAX_IMAGE_TEST_RESULTS } from '@portcullis/contracts';
import { type ImageTestReport, type ImageTestResult } from '@portcullis/image-tests';

const ORDER: Record<ImageTestResult['status'], number> = { failed: 0, 'not-run': 1, passed: 2 };

/** A report as `scan.completed` carries it: failures first, then not-run, then passed, bounded. */
export function imageTestsSection(report: ImageTestReport): ImageTestsSection {
  // A stable sort: within a status, results keep the engine's order (metadata, content, commands).
  const sorted = [...report.results].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  return {
    verdict: report.verdict,
    passed: report.passed,
    failed: report.failed,
    notRun: report.notRun,
    // Field by field: nothing a result might carry beyond the contract leaves the scanner.
    results: sorted.slice(0, MAX_IMAGE_TEST_RESULTS).map((r) => ({ id: r.id, kind: r.kind, status: r.status, ...(r.reason === undefined ? {} : { reason: bounded(r.reason) }) })),
    resultsTruncated: sorted.length > MAX_IMAGE_TEST_RESULTS,
  };
}

/** An `imageTests:` section that does not validate: no test ran, and the gate fails with the problems. */
export function invalidImageTestsSection(problems: readonly string[]): ImageTestsSection {
  return {
    verdict: 'failed',
    passed: 0,
    failed: 0,
    notRun: 0,
    results: [],
    resultsTruncated: false,
    problems: problems.slice(0, 10).map(bounded),
  };
}

/** The engine allows longer reasons than the event carries: cut with an ellipsis. */
function bounded(text: string): string {
  return text.length > MAX_IMAGE_TEST_REASON ? `${text.slice(0, MAX_IMAGE_TEST_REASON - 1)}…` : text;
}
