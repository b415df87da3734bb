import { type ImageTestsFact, type ReleaseThread } from '../thread/release-thread.js';

/** The commit status context of the image-tests gate. Renaming it breaks branch protection rules that require it. */
export const IMAGE_TESTS_STATUS_CONTEXT = 'portcullis/image-tests';

/** What `portcullis/image-tests` should show, in the notifier's provider-neutral states. */
export interface ImageTestsStatus {
  readonly context: typeof IMAGE_TESTS_STATUS_CONTEXT;
  readonly state: 'pending' | 'success' | 'failure' | 'error';
  /** For people, on one line; the caller bounds it to its provider's limit. Never command output. */
  readonly description: string;
  /** Only for `pending`: the tests of other images are still under way. */
  readonly running?: true;
}

/**
 * The image-tests gate of a release as a commit status, or `undefined` when none of its scans
 * carries image tests (the repository declares none: no status that would stay pending forever).
 * A failed test anywhere is `failure`; otherwise a test that did not run is `error` (untested, as
 * the orchestrator holds it), as is an image whose scan failed; images whose scan has not
 * reported yet keep it `pending`.
 */
export function imageTestsStatusOf(thread: ReleaseThread): ImageTestsStatus | undefined {
  const tested: ImageTestsFact[] = [];
  for (const scan of Object.values(thread.scans)) if (scan.status === 'completed' && scan.imageTests) tested.push(scan.imageTests);
  if (tested.length === 0) return undefined;
  const sum = (pick: (t: ImageTestsFact) => number): number => tested.reduce((n, t) => n + pick(t), 0);
  const failed = sum((t) => t.failed);
  const notRun = sum((t) => t.notRun);
  const total = sum((t) => t.passed + t.failed + t.notRun);
  const invalid = tested.filter((t) => t.problems !== undefined && t.problems.length > 0);
  if (invalid.length > 0) return status('failure', `imageTests in .portcullis.yaml is invalid: ${invalid[0]!.problems![0]}`);
  if (failed > 0) return status('failure', `${failed} of ${total} image test${total === 1 ? '' : 's'} failed${notRun > 0 ? `, ${notRun} did not run` : ''}`);
  if (notRun > 0) return status('error', `${notRun} image test${notRun === 1 ? '' : 's'} did not run`);
  const unscanned = Object.values(thread.scans).filter((s) => s.status === 'failed').length;
  if (unscanned > 0) return status('error', `Image tests did not run: the scan of ${unscanned} image${unscanned === 1 ? '' : 's'} failed`);
  const expected = new Set([...Object.keys(thread.builds), ...Object.keys(thread.scans)]);
  const reported = Object.entries(thread.scans).filter(([key, s]) => expected.has(key) && s.status === 'completed').length;
  if (reported < expected.size) return { ...status('pending', `Image tests passed for ${reported} of ${expected.size} images`), running: true };
  return status('success', `All ${total} image test${total === 1 ? '' : 's'} passed`);
}

function status(state: ImageTestsStatus['state'], description: string): ImageTestsStatus {
  return { context: IMAGE_TESTS_STATUS_CONTEXT, state, description: description.replace(/\s+/g, ' ').trim() };
}
