import { SCENARIO_KINDS, scenarioFiles } from '@portcullis/pipeline';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveImagePolicy } from './image-policy.schema.js';

// The demo's and the end-to-end tests' sample releases must carry an images: policy this service accepts.
describe('the pipeline scenarios’ images: sections', () => {
  it.each(SCENARIO_KINDS)('%s is a valid images: policy', (kind) => {
    const text = scenarioFiles(kind, { owner: 'acme', registry: '127.0.0.1:25819', namespace: 'portcullis-demo' }).files['.portcullis.yaml']!;

    const sut = resolveImagePolicy((parse(text) as Record<string, unknown>)['images']);

    expect(sut, JSON.stringify(sut)).toMatchObject({ ok: true });
  });
});
