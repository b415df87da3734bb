import { type BuildOptions, type VulnDb, VulnDbBuilder } from '../db/vuln-db.js';
import { addOsvDirectory, type DirectoryLimits } from './directory-source.js';
import { addOsvZip, type ZipLimits } from './zip-source.js';

/** Builds a database from a folder of OSV JSON files (see `addOsvDirectory`). */
export async function loadOsvDirectory(root: string, options: BuildOptions & DirectoryLimits = {}): Promise<VulnDb> {
  const builder = new VulnDbBuilder(options);
  await addOsvDirectory(builder, root, options);
  return builder.build();
}

/** Builds a database from one or more OSV zip exports (see `addOsvZip`), e.g. one `all.zip` per ecosystem. */
export async function loadOsvZip(zips: readonly { bytes: Buffer; label: string }[], options: BuildOptions & ZipLimits = {}): Promise<VulnDb> {
  const builder = new VulnDbBuilder(options);
  for (const zip of zips) await addOsvZip(builder, zip.bytes, zip.label, options);
  return builder.build();
}
