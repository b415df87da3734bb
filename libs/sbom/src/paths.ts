/**
 * Tar entry names are untrusted. We never touch a file system, but a path that climbs out of the
 * root (`../etc/passwd`) or starts at `/` is a sign of a crafted layer, and a cache keyed by such
 * paths could shadow the wrong file. Names are normalised to root-relative POSIX paths here.
 */

export type PathCheck = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** `./usr/bin/x` → `usr/bin/x`; rejects absolute names and `..` components. Empty result = the root. */
export function normaliseEntryName(name: string): PathCheck {
  if (name.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (name.includes('\0')) return { ok: false, reason: 'NUL in path' };
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return { ok: false, reason: '".." component' };
    parts.push(part);
  }
  return { ok: true, path: parts.join('/') };
}

/**
 * Whether a symlink at `linkPath` with target `target` stays inside the root. Absolute targets are
 * rooted at the image root (that is how a container sees them), so they are fine; a relative one
 * that climbs above the root is not.
 */
export function symlinkEscapes(linkPath: string, target: string): boolean {
  if (target.startsWith('/')) return false;
  const stack = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return true;
      stack.pop();
    } else {
      stack.push(part);
    }
  }
  return false;
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True when `path` is `prefix` or lies below it. The root (`''`) contains everything. */
export function isAtOrBelow(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}
