/** Files that are JSON or YAML but never manifests, and can be large (lockfiles, tool config). */
const NOT_MANIFESTS = new Set([
  'package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'composer.json', 'composer.lock',
  'tsconfig.json', 'jsconfig.json', '.eslintrc.json', 'renovate.json', '.sops.yaml',
]);
const MANIFEST_EXTENSION = /\.(?:ya?ml|json)$/;

/**
 * True for files the manifest analyser should read: `.yaml`, `.yml`, `.json`, and kustomize's
 * extension-less `Kustomization`. Lockfiles and tool configuration are left to the line rules.
 */
export function mayBeManifest(path: string): boolean {
  const name = (path.split(/[\\/]/).pop() ?? '').toLowerCase();
  if (name === 'kustomization') return true;
  if (NOT_MANIFESTS.has(name) || /^tsconfig\..*\.json$/.test(name) || name.endsWith('.lock.json')) return false;
  return MANIFEST_EXTENSION.test(name);
}
