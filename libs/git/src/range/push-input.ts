import { GitError } from '../git.error.js';

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** True for the all-zero id providers send for a created (`before`) or deleted (`after`) ref. */
export function isZeroOid(oid: string): boolean {
  return /^0+$/.test(oid);
}

/** Throws INVALID_INPUT unless `oid` is a full lower-case commit id. */
export function assertOid(oid: string, what: string): void {
  if (!OID.test(oid)) throw new GitError('INVALID_INPUT', `${what} is not a full lower-case commit id`);
}

/**
 * Throws INVALID_INPUT unless `ref` is a branch or tag ref git itself would accept
 * (`git check-ref-format` rules, checked here so a payload never reaches git's argv).
 */
export function assertBranchOrTagRef(ref: string): void {
  const ok =
    /^refs\/(heads|tags)\/./.test(ref) &&
    ref.length <= 255 &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected
    !/[\x00-\x20\x7f~^:?*[\\]/.test(ref) &&
    !ref.includes('..') &&
    !ref.includes('@{') &&
    !ref.includes('//') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  if (!ok) throw new GitError('INVALID_INPUT', 'ref is not a valid refs/heads/* or refs/tags/* name');
}
