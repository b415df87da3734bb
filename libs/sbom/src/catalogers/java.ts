import yauzl from 'yauzl';
import type { PackageRecord } from '../model.js';

export const JAVA_ARCHIVE = /\.(jar|war|ear|jpi|hpi)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
/** A pom.properties is a handful of lines. */
const MAX_POM_BYTES = 64 * 1024;
/** Fat jars (Spring Boot `BOOT-INF/lib`, `WEB-INF/lib`) nest one level; two covers an ear of wars. */
const MAX_NESTING = 2;

export interface JavaArchiveLimits {
  readonly maxArchiveBytes: number;
  readonly maxArchiveInflatedBytes: number;
  readonly maxArchiveEntries: number;
}

export interface JavaArchiveResult {
  readonly packages: PackageRecord[];
  /** Limits hit or unreadable nested archives; the packages found so far still count. */
  readonly problems: string[];
}

interface Budget {
  inflated: number;
  entries: number;
}

/**
 * Maven coordinates of a Java archive held in memory: every `META-INF/maven/<g>/<a>/pom.properties`
 * (shaded jars carry several) and those of the archives nested in it. yauzl checks each entry's
 * inflated size against its header, and the budget caps the total, so a zip bomb stops early.
 */
export async function readJavaArchive(buffer: Buffer, limits: JavaArchiveLimits): Promise<JavaArchiveResult> {
  const result: JavaArchiveResult = { packages: [], problems: [] };
  await readArchive(buffer, undefined, 0, limits, { inflated: 0, entries: 0 }, result);
  return result;
}

async function readArchive(
  buffer: Buffer,
  innerPath: string | undefined,
  depth: number,
  limits: JavaArchiveLimits,
  budget: Budget,
  result: JavaArchiveResult,
): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (error, zipfile) =>
      error ? reject(error) : resolve(zipfile),
    );
  });
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      if (++budget.entries > limits.maxArchiveEntries) {
        result.problems.push(`more than ${limits.maxArchiveEntries} zip entries; the rest was not read`);
        break;
      }
      const name = entry.fileName;
      const isPom = POM_PROPERTIES.test(name);
      const isNested = depth < MAX_NESTING && JAVA_ARCHIVE.test(name);
      if (!isPom && !isNested) continue;
      const cap = isPom ? MAX_POM_BYTES : limits.maxArchiveBytes;
      if (entry.uncompressedSize > cap || budget.inflated + entry.uncompressedSize > limits.maxArchiveInflatedBytes) {
        result.problems.push(`${name}: ${entry.uncompressedSize} bytes inflated is over the limit; skipped`);
        continue;
      }
      budget.inflated += entry.uncompressedSize;
      const bytes = await readEntry(zip, entry);
      const where = innerPath ? `${innerPath}!/${name}` : name;
      if (isPom) {
        const pkg = parsePomProperties(bytes.toString('utf8'), innerPath);
        if (pkg) result.packages.push(pkg);
      } else {
        try {
          await readArchive(bytes, where, depth + 1, limits, budget, result);
        } catch (error) {
          result.problems.push(`${where}: not a readable archive (${error instanceof Error ? error.message : 'unknown error'})`);
        }
      }
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry): void => {
      cleanup();
      resolve(entry);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/** `groupId`, `artifactId`, `version` of a Java properties file (`key=value` or `key: value`). */
export function parsePomProperties(text: string, innerPath?: string): PackageRecord | undefined {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (match?.[1]) values.set(match[1], match[2] ?? '');
  }
  const groupId = values.get('groupId');
  const artifactId = values.get('artifactId');
  const version = values.get('version');
  if (!groupId || !artifactId || !version) return undefined;
  return { type: 'maven', namespace: groupId, name: artifactId, version, ...(innerPath ? { innerPath } : {}) };
}
