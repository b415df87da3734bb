import { CommanderError } from 'commander';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A Deployment that passes every rule (digest-pinned, non-root, limits). */
const hardenedDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      securityContext: { runAsNonRoot: true }
      containers:
        - name: web
          image: ghcr.io/acme/web@${DIGEST}
          securityContext: { allowPrivilegeEscalation: false }
          resources: { limits: { cpu: 500m, memory: 256Mi } }
`;

/** Three rules broken: a privileged container without limits on a tag, in the default namespace. */
const privilegedPod = `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  securityContext: { runAsNonRoot: true }
  containers:
    - name: shell
      image: busybox:1.36
      securityContext: { privileged: true }
`;

let root: string;

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const { out, err, error } = await runCli(['manifests', 'check', ...args], env);
  if (error !== undefined && !(error instanceof CommanderError)) throw error;
  return { exitCode: error?.exitCode ?? 0, out, err, message: error?.message ?? '' };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'portcullis-manifests-'));
  await mkdir(join(root, 'good', 'nested'), { recursive: true });
  await writeFile(join(root, 'good', 'nested', 'web.yaml'), hardenedDeployment);
  await writeFile(join(root, 'good', 'README.md'), '# not a manifest: ignored\n');
  await mkdir(join(root, 'bad', '.git'), { recursive: true });
  await writeFile(join(root, 'bad', 'web.yaml'), hardenedDeployment);
  await writeFile(join(root, 'bad', 'debug.yml'), privilegedPod);
  // Never read: version control is not a manifest tree.
  await writeFile(join(root, 'bad', '.git', 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: { name: x }\ndata: { k: dg== }\n');
  await writeFile(join(root, 'policy.yaml'), 'mutableTags: allow\nmissingLimits: allow\n');
  await writeFile(join(root, '.portcullis.yaml'), 'deploy:\n  policy:\n    privileged: allow\n    mutableTags: allow\n    missingLimits: allow\n');
  await writeFile(join(root, 'typo-policy.yaml'), 'mutableTag: allow\n');
  await writeFile(join(root, 'invalid.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
  await writeFile(join(root, 'rendered.txt'), hardenedDeployment);
  await mkdir(join(root, 'kustomized'), { recursive: true });
  await writeFile(join(root, 'kustomized', 'kustomization.yaml'), 'resources: [debug.yaml]\n');
  await writeFile(join(root, 'kustomized', 'debug.yaml'), privilegedPod);
  // A stand-in for kustomize that renders nothing but what it was told to build: proves --kustomize
  // hands the tree to the binary and checks its output instead of the files.
  const fakeKustomize = join(root, 'fake-kustomize');
  // kustomize runs without PATH: the script uses the shell's builtin printf only.
  await writeFile(fakeKustomize, `#!/bin/sh\nprintf '%s' '${hardenedDeployment}'\n`);
  await chmod(fakeKustomize, 0o755);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('portcullis manifests check', () => {
  it('passes a hardened tree with exit code 0 and reads only YAML files', async () => {
    const result = await run([join(root, 'good')]);
    expect(result.exitCode).toBe(0);
    expect(result.out).toBe('');
    expect(result.err).toContain('1 objects, 0 violations');
    expect(result.err).toContain('passes');
  });

  it('denies with exit code 1 and prints each violation with rule, object and field', async () => {
    const result = await run([join(root, 'bad')]);
    expect(result.exitCode).toBe(1);
    const lines = result.out.trim().split('\n');
    expect(lines).toEqual([
      'DENY  privileged  Pod/default/debug  spec.containers[0].securityContext.privileged  privileged container has full access to the node',
      'DENY  missingLimits  Pod/default/debug  spec.containers[0].resources.limits  no cpu and memory limit',
      expect.stringMatching(/^DENY {2}mutableTags {2}Pod\/default\/debug {2}spec\.containers\[0\]\.image {2}image busybox:1\.36 /),
    ]);
    // The Secret under .git was never read.
    expect(result.out).not.toContain('plaintextSecrets');
    expect(result.err).toContain('denies');
  });

  it('uses --namespace for objects that name none', async () => {
    const result = await run([join(root, 'bad'), '--namespace', 'shop-staging']);
    expect(result.out).toContain('Pod/shop-staging/debug');
  });

  it('applies a policy file: allowed rules are not evaluated', async () => {
    const result = await run([join(root, 'bad'), '--policy', join(root, 'policy.yaml')]);
    expect(result.exitCode).toBe(1);
    expect(result.out.trim().split('\n')).toEqual([expect.stringContaining('DENY  privileged  Pod/default/debug')]);
  });

  it("reads deploy.policy from a .portcullis.yaml, as the orchestrator does", async () => {
    const result = await run([join(root, 'bad'), '--policy', join(root, '.portcullis.yaml')]);
    expect(result.exitCode).toBe(0);
  });

  it('refuses a policy with an unknown rule (a typo never turns a rule off) with exit code 2', async () => {
    const result = await run([join(root, 'bad'), '--policy', join(root, 'typo-policy.yaml')]);
    expect(result.exitCode).toBe(2);
    expect(result.message).toContain('invalid policy');
    expect(result.message).toContain('mutableTag');
  });

  it('reports documents that are not valid objects and denies', async () => {
    const result = await run([join(root, 'invalid.yaml')]);
    expect(result.exitCode).toBe(1);
    expect(result.out).toMatch(/^INVALID {2}invalid\.yaml#0 {2}.*metadata\.name/m);
  });

  it('checks a single file whatever its extension', async () => {
    const result = await run([join(root, 'rendered.txt')]);
    expect(result.exitCode).toBe(0);
    expect(result.err).toContain('1 objects');
  });

  it('prints a JSON report with --format json', async () => {
    const result = await run([join(root, 'bad'), '--format', 'json']);
    const report = JSON.parse(result.out) as { objects: number; violations: { rule: string; object: string; field: string }[]; problems: unknown[] };
    expect(report.objects).toBe(2);
    expect(report.problems).toEqual([]);
    expect(report.violations.map((v) => v.rule)).toEqual(['privileged', 'missingLimits', 'mutableTags']);
  });

  it('renders with kustomize when asked and checks the rendered output, not the files', async () => {
    const withFiles = await run([join(root, 'kustomized')]);
    expect(withFiles.exitCode).toBe(1);
    const rendered = await run([join(root, 'kustomized'), '--kustomize', '--kustomize-bin', join(root, 'fake-kustomize')]);
    expect(rendered.exitCode).toBe(0);
    expect(rendered.err).toContain('1 objects, 0 violations');
  });

  it('takes the kustomize binary from PORTCULLIS_KUSTOMIZE_BIN and exits 3 when it cannot render', async () => {
    const result = await run([join(root, 'kustomized'), '--kustomize'], { PORTCULLIS_KUSTOMIZE_BIN: join(root, 'no-such-kustomize') });
    expect(result.exitCode).toBe(3);
    expect(result.message).toContain('[KUSTOMIZE_UNAVAILABLE]');
  });

  it('refuses --kustomize on a directory without a kustomization, and a missing path, with exit code 2', async () => {
    expect((await run([join(root, 'good'), '--kustomize'])).exitCode).toBe(2);
    const missing = await run([join(root, 'nope')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toContain('does not exist');
  });

  it('documents itself in --help', async () => {
    const result = await run(['--help']);
    expect(result.out).toContain('--policy <file>');
    expect(result.out).toContain('--kustomize');
    expect(result.out).toContain('Exit code 0 when the gate passes, 1 when it denies');
  });
});
