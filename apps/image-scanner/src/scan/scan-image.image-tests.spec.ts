import { EXAMPLE_RELEASE_ID, EXAMPLE_REPOSITORY, exampleRegistryImagePushed, type ScanCompletedEvent } from '@portcullis/contracts';
import { type CommandRunner, type CommandRunRequest, type ImageTestReport } from '@portcullis/image-tests';
import { InMemoryContributionCache } from '@portcullis/sbom';
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { layerTar } from '../../test/secret-fixtures.js';
import { type ImageTestsPolicy, type ResolvedImagePolicy } from '../policy/policy-source.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { type ImageLayer } from './scan-image.ports.js';
import { DEFAULT_VULNERABILITY_POLICY } from './scan-report.js';
import { type ImageTestsDeps, ScanImage, type ScanImageDeps } from './scan-image.use-case.js';

const image = exampleRegistryImagePushed().image;
const MANIFEST = `sha256:${'e'.repeat(64)}`;
const LAYER: ImageLayer = { digest: `sha256:${'1'.repeat(64)}`, size: 100, mediaType: 'application/vnd.oci.image.layer.v1.tar', diffId: `sha256:${'f'.repeat(64)}` };
const release = { releaseId: EXAMPLE_RELEASE_ID, repository: { ...EXAMPLE_REPOSITORY } };
const command = { image, release, attempt: 1, origin: { eventId: 'evt-1' } };

const SECTION = {
  metadata: { nonRoot: true },
  content: { forbid: ['shells'], mustExist: ['/app/server'] },
  commands: [{ id: 'version', argv: ['/app/server', '--version'], exitCode: 0 }],
};

function policyOf(section: unknown): ImageTestsPolicy {
  return { section, hash: createHash('sha256').update(JSON.stringify(section)).digest('hex').slice(0, 32) };
}

function setup(options: { imageTests?: ImageTestsPolicy; deps?: ImageTestsDeps; user?: string }) {
  const completed: ScanCompletedEvent[] = [];
  const images = {
    resolve: vi.fn(async () => ({
      manifestDigest: MANIFEST,
      platform: 'linux/amd64',
      layers: [LAYER],
      imageConfig: { architecture: 'amd64', os: 'linux', config: { User: options.user ?? '' } },
    })),
    openLayer: vi.fn(async () => layerTar({ 'bin/sh': 'ELF', 'app/server': 'ELF' })),
  };
  const resolved: ResolvedImagePolicy = { policy: { ...DEFAULT_VULNERABILITY_POLICY, suppressions: [] }, source: 'repository', ...(options.imageTests ? { imageTests: options.imageTests } : {}) };
  const deps: ScanImageDeps = {
    images,
    layerCache: new InMemoryContributionCache(),
    results: { get: async () => undefined, put: async () => undefined },
    lock: { withLock: (_name, fn) => fn(new AbortController().signal) },
    publish: { completed: async (body) => void completed.push(body), failed: async () => undefined },
    vulndb: { current: () => ({ version: 'sha256:db1', match: () => ({ findings: [], skipped: [] }) }) },
    slots: new ConcurrencyLimit(2),
    metrics: { resultCache: vi.fn(), layerCache: vi.fn(), inProgress: vi.fn(), outcome: vi.fn() },
    logger: { info: vi.fn(), warn: vi.fn() },
    policies: { policyFor: async () => resolved },
    ...(options.deps ? { imageTests: options.deps } : {}),
    settings: { platform: 'linux/amd64', maxAttempts: 3, timeoutMs: 60_000, maxImageBytes: 1_000_000, policy: DEFAULT_VULNERABILITY_POLICY },
  };
  return { sut: new ScanImage(deps), images, completed };
}

function runner(exitCode = 0): CommandRunner & { requests: CommandRunRequest[] } {
  const requests: CommandRunRequest[] = [];
  return {
    requests,
    run: async (request) => {
      requests.push(request);
      return { exitCode, stdout: 'v1.2.3\n', stderr: '', timedOut: false };
    },
  };
}

function memoryCache() {
  const store = new Map<string, string>();
  return {
    store,
    get: async (k: { digest: string; platform: string; specHash: string }) => {
      const hit = store.get(`${k.digest}|${k.platform}|${k.specHash}`);
      return hit === undefined ? undefined : (JSON.parse(hit) as ImageTestReport);
    },
    put: async (k: { digest: string; platform: string; specHash: string }, report: ImageTestReport) => void store.set(`${k.digest}|${k.platform}|${k.specHash}`, JSON.stringify(report)),
  };
}

describe('ScanImage: image tests', () => {
  it('runs the declared tests against the scanned platform image and reports them as their own gate, failures first', async () => {
    const commands = runner();
    const { sut, completed } = setup({ imageTests: policyOf(SECTION), deps: { runner: commands } });

    expect(await sut.execute(command)).toEqual({ kind: 'completed', cached: false, verdict: 'pass' });

    const body = completed[0]!;
    expect(body.verdict).toBe('pass');
    expect(body.imageTests).toEqual({
      verdict: 'failed',
      passed: 3,
      failed: 2,
      notRun: 0,
      results: [
        { id: 'metadata.nonRoot', kind: 'metadata', status: 'failed', reason: 'the image runs as root (User "")' },
        { id: 'content.forbid.shells', kind: 'content', status: 'failed', reason: 'found bin/sh' },
        { id: 'metadata.noSecretEnv', kind: 'metadata', status: 'passed' },
        { id: 'content.mustExist', kind: 'content', status: 'passed' },
        { id: 'command.version', kind: 'command', status: 'passed' },
      ],
      resultsTruncated: false,
    });
    expect(commands.requests.map((r) => r.image)).toEqual([`${image.registry}/${image.repository}@${MANIFEST}`]);
  });

  it('reports command tests as not run without a runner (incomplete, never passed), and runs them again next time', async () => {
    const cache = memoryCache();
    const { sut, completed, images } = setup({ imageTests: policyOf({ commands: SECTION.commands }), deps: { cache } });

    await sut.execute(command);
    await sut.execute(command);

    expect(completed.map((c) => c.imageTests?.verdict)).toEqual(['incomplete', 'incomplete']);
    expect(completed[0]?.imageTests?.results).toEqual([{ id: 'command.version', kind: 'command', status: 'not-run', reason: expect.any(String) }]);
    expect(cache.store.size).toBe(0);
    // Without content checks no layer is pulled for the tests: the one pull is the SBOM's (then cached).
    expect(images.openLayer).toHaveBeenCalledTimes(1);
  });

  it('answers a complete report from the cache for the same image and section, and tests again when the section changes', async () => {
    const cache = memoryCache();
    const commands = runner();
    const first = setup({ imageTests: policyOf(SECTION), deps: { runner: commands, cache }, user: '1000' });
    await first.sut.execute(command);
    await first.sut.execute(command);
    expect(commands.requests).toHaveLength(1);
    expect(first.completed.map((c) => c.imageTests?.verdict)).toEqual(['failed', 'failed']);

    const changed = setup({ imageTests: policyOf({ ...SECTION, content: { mustExist: ['/app/server'] } }), deps: { runner: commands, cache }, user: '1000' });
    await changed.sut.execute(command);
    expect(commands.requests).toHaveLength(2);
    expect(changed.completed[0]?.imageTests).toMatchObject({ verdict: 'passed', passed: 4, failed: 0, notRun: 0 });
  });

  it('fails the gate with the problems of an invalid section, without running anything', async () => {
    const commands = runner();
    const { sut, completed, images } = setup({ imageTests: { invalid: ['imageTests.commands[0].timeout: at most 300s'] }, deps: { runner: commands } });

    await sut.execute(command);

    expect(completed[0]?.verdict).toBe('pass');
    expect(completed[0]?.imageTests).toEqual({ verdict: 'failed', passed: 0, failed: 0, notRun: 0, results: [], resultsTruncated: false, problems: ['imageTests.commands[0].timeout: at most 300s'] });
    expect(commands.requests).toEqual([]);
    expect(images.resolve).toHaveBeenCalledTimes(1);
  });

  it('has no imageTests section when the repository declares none or no release asked for the scan', async () => {
    const none = setup({});
    await none.sut.execute(command);
    const bare = setup({ imageTests: policyOf(SECTION), deps: { runner: runner() } });
    await bare.sut.execute({ image, attempt: 1, origin: { eventId: 'evt-2' } });

    expect(none.completed[0]).not.toHaveProperty('imageTests');
    expect(bare.completed[0]).not.toHaveProperty('imageTests');
  });
});
