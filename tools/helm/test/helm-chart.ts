import { parseManifests, type KubeObject } from '@portcullis/manifests';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root (tools/helm/test → ../../..). */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** The chart under test. */
export const CHART_DIR = join(REPO_ROOT, 'deploy/helm/portcullis');
/** Values files of the tests. */
export const TEST_VALUES = {
  allFeatures: join(import.meta.dirname, 'values-all-features.yaml'),
  digests: join(import.meta.dirname, 'values-digests.yaml'),
} as const;

let helmBinary: Promise<string> | undefined;

/** The helm binary tools/helm/build.sh builds (built once, reused from the cache afterwards). */
export function helmBin(): Promise<string> {
  helmBinary ??= run(join(REPO_ROOT, 'tools/helm/build.sh'), ['--print-bin'], { maxBuffer: 16 * 1024 * 1024, timeout: 15 * 60_000 }).then(
    ({ stdout }) => stdout.trim(),
  );
  return helmBinary;
}

export interface RenderOptions {
  namespace: string;
  valuesFiles?: string[];
  /** `--set` assignments (key=value). */
  set?: string[];
}

/** `helm template` of the chart: the raw YAML. Rejects with helm's stderr when rendering fails. */
export async function renderChart(options: RenderOptions): Promise<string> {
  const args = ['template', 'portcullis', CHART_DIR, '--namespace', options.namespace];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const assignment of options.set ?? []) args.push('--set', assignment);
  try {
    const { stdout } = await run(await helmBin(), args, { maxBuffer: 32 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`helm template failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

/** The rendered objects, parsed by the same parser the manifest gate uses; a problem fails. */
export function objectsOf(yaml: string): KubeObject[] {
  const { objects, problems } = parseManifests(new Map([['rendered.yaml', yaml]]));
  if (problems.length > 0) throw new Error(`rendered manifests have problems: ${JSON.stringify(problems)}`);
  return objects;
}
