import { exampleImageTests, exampleRegistryBuildAnnounced, exampleScanCompleted, exampleScanFailed, type ImageReference } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, type ReleaseThread, type ThreadEvent } from '../thread/release-thread.js';
import { imageTestsStatusOf } from './image-tests-status.js';

const image = (b: string): ImageReference => ({ registry: 'registry.example.com', repository: `acme/${b}`, digest: `sha256:${b.repeat(64)}` });
const A = image('a');
const B = image('b');

function thread(...bodies: ThreadEvent['body'][]): ReleaseThread {
  let t: ReleaseThread | undefined;
  bodies.forEach((body, i) => (t = applyEvent(t, { id: `e${i}`, time: `2025-01-15T09:3${i}:00.000Z`, body }) ?? t));
  if (!t) throw new Error('no thread');
  return t;
}

const failing = exampleImageTests({
  verdict: 'failed',
  passed: 12,
  failed: 2,
  notRun: 0,
  results: [
    { id: 'metadata.nonRoot', kind: 'metadata', status: 'failed', reason: 'the image runs as root' },
    { id: 'command.version', kind: 'command', status: 'failed', reason: 'exit code 1, expected 0' },
  ],
});

describe('imageTestsStatusOf', () => {
  it('is absent for a release whose scans carry no image tests', () => {
    const { imageTests: _none, ...scan } = exampleScanCompleted({ image: A });

    expect(imageTestsStatusOf(thread(scan))).toBeUndefined();
  });

  it('is success when every declared test passed on every image', () => {
    expect(imageTestsStatusOf(thread(exampleScanCompleted({ image: A, imageTests: exampleImageTests() })))).toEqual({
      context: 'portcullis/image-tests',
      state: 'success',
      description: 'All 4 image tests passed',
    });
  });

  it('is failure when a test failed on any image, counting over the images', () => {
    const sut = imageTestsStatusOf(thread(exampleScanCompleted({ image: A, imageTests: exampleImageTests() }), exampleScanCompleted({ image: B, imageTests: failing })));

    expect(sut).toMatchObject({ state: 'failure', description: '2 of 18 image tests failed' });
  });

  it('is error when tests did not run (never success), and when the scan of another image failed', () => {
    const incomplete = exampleImageTests({ verdict: 'incomplete', passed: 3, failed: 0, notRun: 1, results: [{ id: 'command.version', kind: 'command', status: 'not-run', reason: 'no runner' }] });

    expect(imageTestsStatusOf(thread(exampleScanCompleted({ image: A, imageTests: incomplete })))).toMatchObject({ state: 'error', description: '1 image test did not run' });
    expect(imageTestsStatusOf(thread(exampleScanCompleted({ image: A, imageTests: exampleImageTests() }), exampleScanFailed({ image: B })))).toMatchObject({
      state: 'error',
      description: 'Image tests did not run: the scan of 1 image failed',
    });
  });

  it('is failure with the first problem of an invalid section', () => {
    const invalid = exampleImageTests({ verdict: 'failed', passed: 0, failed: 0, notRun: 0, results: [], problems: ['imageTests.commands[0].timeout: at most 300s'] });

    expect(imageTestsStatusOf(thread(exampleScanCompleted({ image: A, imageTests: invalid })))).toMatchObject({
      state: 'failure',
      description: 'imageTests in .portcullis.yaml is invalid: imageTests.commands[0].timeout: at most 300s',
    });
  });

  it('stays pending while another built image has not been scanned', () => {
    const sut = imageTestsStatusOf(thread(exampleRegistryBuildAnnounced({ image: B }), exampleScanCompleted({ image: A, imageTests: exampleImageTests() })));

    expect(sut).toMatchObject({ state: 'pending', running: true, description: 'Image tests passed for 1 of 2 images' });
  });
});
