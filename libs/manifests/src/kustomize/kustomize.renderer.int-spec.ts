import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@portcullis/testing';
import { parseManifests } from '../parse/parse-manifests.js';
import { KustomizeRenderer, defaultKustomizeBinary } from './kustomize.renderer.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;

const base = {
  'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - service.yaml\n',
  'base/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web}',
    'spec:',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: registry.example.com/acme/shop-api:1.0',
  ].join('\n'),
  'base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n',
};
const overlay = {
  'overlays/prod/kustomization.yaml': [
    'resources: [../../base]',
    'namePrefix: prod-',
    'images:',
    '  - name: registry.example.com/acme/shop-api',
    `    digest: ${DIGEST}`,
  ].join('\n'),
};

describe('KustomizeRenderer with a real kustomize binary (tools/kustomize/build.sh)', () => {
  let binary: string;
  let workDir: string;
  let sut: KustomizeRenderer;

  beforeAll(() => {
    // idempotent: seconds when the binary is cached, a minute or two cold
    binary = execFileSync(join(REPO_ROOT, 'tools/kustomize/build.sh'), ['--print-bin'], { encoding: 'utf8', timeout: 600_000 }).trim();
    workDir = mkdtempSync(join(tmpdir(), 'manifests-kustomize-test-'));
    sut = new KustomizeRenderer({ binary, workDir });
  }, 600_000);
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('builds where the default path expects it', () => {
    expect(binary).toBe(defaultKustomizeBinary(process.env['PORTCULLIS_CACHE_DIR'] || join(REPO_ROOT, '.cache')));
  });

  it('renders an overlay with namePrefix and an images transformer over a base elsewhere in the tree', async () => {
    const files = new Map(Object.entries({ ...base, ...overlay }));
    expect(KustomizeRenderer.isKustomization(files, 'overlays/prod')).toBe(true);

    const yaml = await sut.render(files, { entry: 'overlays/prod' });
    const { objects, problems } = parseManifests(new Map([['rendered.yaml', yaml]]));

    expect(problems).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/prod-web', 'Service/prod-web']);
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(JSON.stringify(deployment)).toContain(`"image":"registry.example.com/acme/shop-api@${DIGEST}"`);
    expect(readdirSync(workDir)).toEqual([]); // the private temp dir is gone
  });

  it('refuses a kustomization referencing a remote URL without running kustomize', async () => {
    const files = new Map(Object.entries({ ...base, 'kustomization.yaml': 'resources:\n  - base\n  - https://github.com/acme/deploy//base?ref=v1\n' }));
    // a binary that does not exist: reaching it would fail with KUSTOMIZE_UNAVAILABLE instead
    const never = new KustomizeRenderer({ binary: join(workDir, 'no-such-kustomize'), workDir });

    await expect(never.render(files)).rejects.toMatchObject({ code: 'KUSTOMIZE_REMOTE_REFERENCE', disposition: 'permanent' });
    await expect(sut.render(files)).rejects.toMatchObject({ code: 'KUSTOMIZE_REMOTE_REFERENCE' });
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('reports a broken kustomization as permanent, naming the file but not our temp directory', async () => {
    const files = new Map(Object.entries({ ...base, 'kustomization.yaml': 'resources: [base]\npatches:\n  - path: missing-patch.yaml\n' }));

    const error = await sut.render(files).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'KUSTOMIZE_INVALID', disposition: 'permanent' });
    expect((error as Error).message).toContain('missing-patch.yaml');
    expect((error as Error).message).not.toContain(workDir);
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('bounds the output, and reports a missing binary as retryable', async () => {
    const files = new Map(Object.entries({ ...base, 'kustomization.yaml': 'resources: [base]\n' }));

    await expect(new KustomizeRenderer({ binary, workDir, maxOutputBytes: 100 }).render(files)).rejects.toMatchObject({
      code: 'KUSTOMIZE_OUTPUT_TOO_LARGE',
      disposition: 'permanent',
    });
    await expect(new KustomizeRenderer({ binary: join(workDir, 'absent'), workDir }).render(files)).rejects.toMatchObject({
      code: 'KUSTOMIZE_UNAVAILABLE',
      disposition: 'retry',
    });
    expect(readdirSync(workDir)).toEqual([]);
  });
});
