import type { ManifestAnalyser } from './engine/scan-engine.js';

/**
 * Loads the Kubernetes manifest analyser (`./manifests/index.js`) when it is part of the build.
 * The specifier is a variable so this module compiles and runs whether or not that module is
 * present; a module that loads but lacks the two functions is a build error, reported loudly.
 */
export async function loadManifestAnalyser(): Promise<ManifestAnalyser | undefined> {
  const specifier = './manifests/index.js';
  let mod: Partial<ManifestAnalyser>;
  try {
    mod = (await import(specifier)) as Partial<ManifestAnalyser>;
  } catch (error) {
    if (isModuleNotFound(error)) return undefined;
    throw error;
  }
  const { analyseManifest, mayBeManifest } = mod;
  if (typeof analyseManifest !== 'function' || typeof mayBeManifest !== 'function') {
    throw new Error('./manifests/index.js must export analyseManifest(text, ctx) and mayBeManifest(path)');
  }
  return { analyseManifest, mayBeManifest };
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || (error instanceof Error && /Cannot find module|Failed to load url|does not exist/i.test(error.message) && error.message.includes('manifests'));
}
