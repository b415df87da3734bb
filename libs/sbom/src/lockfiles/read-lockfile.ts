import { LockfileError } from './lockfile.error.js';
import { PackageCollector } from './lockfile-bounds.js';
import { DEFAULT_LOCKFILE_LIMITS, type LockfileFormat, type LockfileLimits, type LockfileReading } from './lockfile.model.js';
import { readGoSum } from './go-sum.js';
import { readPackageLock, readPnpmLock, readYarnLock } from './npm-lockfiles.js';
import { readPomXml } from './pom-xml.js';
import { readPoetryLock, readRequirementsTxt } from './python-lockfiles.js';

type Reader = (text: string, limits: LockfileLimits, into: PackageCollector) => void;

const READERS: Record<LockfileFormat, Reader> = {
  'package-lock': readPackageLock,
  'yarn-lock': readYarnLock,
  'pnpm-lock': readPnpmLock,
  requirements: readRequirementsTxt,
  'poetry-lock': readPoetryLock,
  'go-sum': readGoSum,
  pom: readPomXml,
};

/**
 * The lockfile format of a repository path, decided by its file name only (any directory):
 * `package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`, `requirements*.txt`,
 * `poetry.lock`, `go.sum`, `pom.xml`. Undefined for anything else.
 */
export function lockfileFormatOf(path: string): LockfileFormat | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  switch (name) {
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
      return 'package-lock';
    case 'yarn.lock':
      return 'yarn-lock';
    case 'pnpm-lock.yaml':
      return 'pnpm-lock';
    case 'poetry.lock':
      return 'poetry-lock';
    case 'go.sum':
      return 'go-sum';
    case 'pom.xml':
      return 'pom';
    default:
      return /^requirements[\w.-]*\.txt$/i.test(name) ? 'requirements' : undefined;
  }
}

/**
 * Reads the pinned dependencies of one lockfile — untrusted repository content. Synchronous and
 * local: nothing in the file can make it read another file or the network. Its cost is bounded by
 * `limits` (bytes, nesting, entries); every parser is linear in the input. Throws `LockfileError`
 * (permanent, about this file only) when the file is over a limit or does not parse.
 */
export function readLockfile(format: LockfileFormat, content: string | Uint8Array, limits: LockfileLimits = DEFAULT_LOCKFILE_LIMITS): LockfileReading {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.byteLength;
  if (bytes > limits.maxBytes) throw new LockfileError('TOO_LARGE', `${bytes} bytes > ${limits.maxBytes} byte limit`);
  const text = typeof content === 'string' ? content : new TextDecoder('utf-8', { fatal: false }).decode(content);
  if (text.includes('\0')) throw new LockfileError('UNPARSABLE', 'binary content');
  const into = new PackageCollector(limits);
  READERS[format](text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, limits, into);
  return { format, packages: into.packages, unpinned: into.unpinned };
}
