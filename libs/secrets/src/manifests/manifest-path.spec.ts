import { describe, expect, it } from 'vitest';
import { mayBeManifest } from './manifest-path.js';

describe('mayBeManifest', () => {
  it.each([
    'deploy/secret.yaml', 'k8s/app.YML', 'manifests/list.json', 'overlays/prod/kustomization.yaml',
    'overlays/prod/Kustomization', 'chart/templates/secret.yaml', 'chart/values.yaml', 'C:\\repo\\deploy\\pod.yaml',
  ])('reads %s', (path) => {
    expect(mayBeManifest(path)).toBe(true);
  });

  it.each([
    'package-lock.json', 'web/package.json', 'pnpm-lock.yaml', 'tsconfig.base.json', 'deps.lock.json', 'src/app.ts',
    'chart/templates/_helpers.tpl', 'README.md', '.env', 'deploy/yaml',
  ])('leaves %s to the line rules', (path) => {
    expect(mayBeManifest(path)).toBe(false);
  });
});
