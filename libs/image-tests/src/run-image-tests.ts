import type { CommandRunner } from './command-runner.port.js';
import { evaluateContent } from './evaluate-content.js';
import { evaluateMetadata, type EnvSecretScanner } from './evaluate-metadata.js';
import type { ImageConfig } from './image-config.js';
import type { ImageFileSystem } from './image-file-system.js';
import type { ImageTestSpec } from './image-tests.schema.js';
import { runCommandTests } from './run-command-tests.js';
import { summarize, type ImageTestResult, type ImageTestSummary } from './results.js';

/** What one image brings to its tests; each part is optional, and what is missing is `not-run`. */
export interface ImageUnderTest {
  /** `registry/repository@sha256:…`. */
  readonly image: string;
  readonly config: ImageConfig;
  readonly fs?: ImageFileSystem;
  readonly runner?: CommandRunner;
  readonly secretScanner?: EnvSecretScanner;
}

export interface ImageTestReport extends ImageTestSummary {
  readonly results: readonly ImageTestResult[];
}

/** Metadata, then content, then command tests, and the gate verdict over all of them. */
export async function runImageTests(subject: ImageUnderTest, spec: ImageTestSpec): Promise<ImageTestReport> {
  const results = [
    ...evaluateMetadata(subject.config, spec, subject.secretScanner ? { secretScanner: subject.secretScanner } : {}),
    ...(await evaluateContent(subject.fs, spec)),
    ...(await runCommandTests(subject.runner, subject.image, spec)),
  ];
  return { ...summarize(results), results };
}
