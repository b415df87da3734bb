import { LockfileError } from './lockfile.error.js';
import type { PackageCollector } from './lockfile-bounds.js';
import type { LockfileLimits } from './lockfile.model.js';

const LINE = /^(\S+) (v\S+?)(\/go\.mod)? h1:[A-Za-z0-9+/=]+$/;

/**
 * go.sum: `<module> <version>[/go.mod] h1:<hash>`. Lines without `/go.mod` are modules whose code
 * is downloaded for the build; `/go.mod`-only lines are modules consulted for the graph and never
 * built, so they are not matched. (go.sum can keep such hashes for versions a later `go get`
 * replaced; `go mod tidy` removes them.)
 */
export function readGoSum(text: string, _limits: LockfileLimits, into: PackageCollector): void {
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) throw new LockfileError('UNPARSABLE', `go.sum line ${lineNo} is not "<module> <version> h1:<hash>"`);
    if (m[3] === undefined) into.pinned({ type: 'golang', name: m[1]!, version: m[2]! });
  }
}
