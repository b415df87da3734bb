import { describe, expect, it } from 'vitest';
import { assertLocalKustomizations, kustomizationIn } from './kustomization-references.js';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));
const base = { 'base/kustomization.yaml': 'resources: [deployment.yaml]\n', 'base/deployment.yaml': 'kind: Deployment\n' };

describe('kustomizationIn', () => {
  it('finds kustomization.yaml, kustomization.yml or Kustomization in a directory', () => {
    expect(kustomizationIn(files({ 'kustomization.yml': '' }))).toBe('kustomization.yml');
    expect(kustomizationIn(files({ 'overlays/prod/Kustomization': '' }), 'overlays/prod/')).toBe('overlays/prod/Kustomization');
    expect(kustomizationIn(files({ 'deploy.yaml': '' }))).toBeUndefined();
  });
});

describe('assertLocalKustomizations', () => {
  it('accepts references to files and directories inside the tree, and inline generator configs', () => {
    expect(() =>
      assertLocalKustomizations(
        files({
          ...base,
          'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\n  - ./extra.yaml\ntransformers:\n  - |\n    apiVersion: builtin\n    kind: LabelTransformer\n',
          'overlays/prod/extra.yaml': 'kind: ConfigMap\n',
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    ['https://github.com/acme/deploy//base?ref=v1'],
    ['github.com/acme/deploy/base?ref=main'],
    ['git@github.com:acme/deploy.git'],
    ['ssh://git@example.com/acme/deploy.git'],
    ['https://raw.example.com/deployment.yaml'],
  ])('refuses the remote reference %s as KUSTOMIZE_REMOTE_REFERENCE (permanent)', (remote) => {
    const sut = () => assertLocalKustomizations(files({ ...base, 'kustomization.yaml': `resources:\n  - base\n  - ${remote}\n` }));
    expect(sut).toThrow(expect.objectContaining({ code: 'KUSTOMIZE_REMOTE_REFERENCE', disposition: 'permanent' }));
  });

  it('refuses remote components, bases and Helm chart repositories too', () => {
    for (const body of ['components: [github.com/acme/c]', 'bases: ["https://example.com/b"]', 'helmCharts:\n  - {name: redis, repo: https://charts.example.com}']) {
      expect(() => assertLocalKustomizations(files({ 'kustomization.yaml': body }))).toThrow(expect.objectContaining({ code: 'KUSTOMIZE_REMOTE_REFERENCE' }));
    }
  });

  it('refuses paths out of the tree or absent from it (kustomize would try them as remotes)', () => {
    expect(() => assertLocalKustomizations(files({ 'kustomization.yaml': 'resources: [../../etc]' }))).toThrow(/outside the manifests path/);
    expect(() => assertLocalKustomizations(files({ 'kustomization.yaml': 'resources: [/etc/passwd]' }))).toThrow(/outside the manifests path/);
    expect(() => assertLocalKustomizations(files({ 'kustomization.yaml': 'resources: [missing]' }))).toThrow(
      expect.objectContaining({ code: 'KUSTOMIZE_INVALID', message: 'kustomization.yaml: resources[0] (missing) is not in the manifests path' }),
    );
  });
});
