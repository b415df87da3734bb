import { randomBytes } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `length` characters of [A-Za-z0-9], uniformly from random bytes. Bytes ≥ 248 (4 × 62) are
 * dropped rather than reduced modulo 62, which would favour the first characters.
 */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALNUM[byte % ALNUM.length];
    }
  }
  return out;
}

/**
 * A classic GitHub personal access token (`ghp_` + 36 alphanumerics), the shape the default
 * `github-pat` rule detects. Generated at call time: a literal token in this repository would be
 * found by our own secret scan and would be the same in every run.
 */
export function plantedGitHubToken(): string {
  return `${'gh'}p_${randomAlphanumeric(36)}`;
}

/** A database password for a plaintext Kubernetes Secret (`k8s-plain-secret`). */
export function plantedPassword(): string {
  return randomAlphanumeric(24);
}
