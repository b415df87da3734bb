import { SCENARIO_KINDS, scenarioFiles } from '@portcullis/pipeline';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { resolveDeployConfig } from './deploy-config.schema.js';

// The demo's and the end-to-end tests' sample releases must be releases this service accepts.
describe('the pipeline scenarios’ deploy: sections', () => {
  it.each(SCENARIO_KINDS)('%s is a valid deploy: section', (kind) => {
    const text = scenarioFiles(kind, { owner: 'acme', registry: '127.0.0.1:25819', namespace: 'portcullis-demo' }).files['.portcullis.yaml']!;

    const sut = resolveDeployConfig((parse(text) as Record<string, unknown>)['deploy']);

    expect(sut, JSON.stringify(sut)).toMatchObject({ kind: 'valid' });
  });
});
