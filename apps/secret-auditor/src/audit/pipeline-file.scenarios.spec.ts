import { SCENARIO_KINDS, scenarioFiles } from '@portcullis/pipeline';
import { describe, expect, it } from 'vitest';
import { readPipelineFile } from './pipeline-file.js';

// The demo's and the end-to-end tests' sample releases must carry secrets: and notify: sections this service accepts.
describe('the pipeline scenarios’ .portcullis.yaml', () => {
  it.each(SCENARIO_KINDS)('%s has a valid secrets: policy and notify: section', (kind) => {
    const text = scenarioFiles(kind, { owner: 'acme', registry: '127.0.0.1:25819', namespace: 'portcullis-demo', notifyChannel: '#team' }).files['.portcullis.yaml']!;

    const sut = readPipelineFile({ kind: 'found', content: text }, 'high');

    expect(sut.secrets.invalid).toBe(false);
    expect(sut.notify).toMatchObject({ status: 'valid', settings: { channel: '#team' } });
  });
});
