import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** One event of `@octokit/webhooks-examples` (GitHub's published webhook examples). */
export interface GithubExampleDefinition {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}

const resolver = createRequire(import.meta.url);
const definitions = JSON.parse(
  readFileSync(resolver.resolve('@octokit/webhooks-examples'), 'utf8'),
) as readonly GithubExampleDefinition[];

/** The published examples of one GitHub event, deep-copied so a test can change them freely. */
export function githubExamples(event: string): Record<string, unknown>[] {
  const definition = definitions.find((d) => d.name === event);
  if (definition === undefined) throw new Error(`no examples for ${event}`);
  return structuredClone(definition.examples) as Record<string, unknown>[];
}
