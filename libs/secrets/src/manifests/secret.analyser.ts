import { isScalar, type Node } from 'yaml';
import { decodeBase64Text, decodeBase64Value } from './base64-value.js';
import { isSopsEncrypted } from './credential-names.js';
import type { ManifestLimits } from './manifest-limits.js';
import type { ManifestNodes } from './manifest-nodes.js';
import type { ManifestReport } from './manifest-report.js';
import { MANIFEST_RULES } from './manifest-rules.js';
import { isNonCredentialEntry } from './entry-judgement.js';

const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
/** PEM blocks that are meant to be shared: a Secret's `tls.crt` or `ca.crt` is not a leak. */
const PUBLIC_PEM_TYPES = new Set([
  'CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CRL', 'CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST',
  'PUBLIC KEY', 'RSA PUBLIC KEY', 'PGP PUBLIC KEY BLOCK',
]);
/** A `.dockerconfigjson` lists a handful of registries; more is not a pull secret we need to read. */
const MAX_REGISTRIES = 100;
const REGISTRY_KEYS = new Set(['.dockerconfigjson', '.dockercfg']);

/**
 * A core `v1/Secret`: every non-empty, non-placeholder value of `data` (base64-decoded) and of
 * `stringData` is a finding, refined by what the value is: a private key (`tls.key`,
 * `ssh-privatekey`, any PEM private key), registry credentials (`.dockerconfigjson`), or nothing for
 * public certificates (`tls.crt`, `ca.crt`) and for the coordinates kept beside a credential
 * (`username: app`, `host: db.internal`, `port: 5432`; see `isNonCredentialEntry`). Decoded text also goes through the content rules, so a
 * GitHub token inside a Secret is reported as a GitHub token as well.
 */
export function analyseSecret(nodes: ManifestNodes, report: ManifestReport, secret: Node, limits: ManifestLimits): void {
  for (const { key, value } of nodes.entries(nodes.get(secret, 'data'))) {
    if (!isScalar(value)) continue;
    const raw = nodes.text(value) ?? '';
    if (report.isPlaceholder(raw, nodes, value) || isSopsEncrypted(raw)) continue;
    const line = nodes.line(value);
    const context = `data.${key}: `;
    const decoded = decodeBase64Value(raw, limits.maxDecodedLength);
    if (decoded.kind === 'text') {
      if (report.isPlaceholder(decoded.text)) continue;
      report.scan(decoded.text, line);
      judgeValue(report, key, decoded.text, line, context, limits);
    } else if (decoded.kind === 'binary') {
      // A keystore or a very large value: a leak all the same, fingerprinted as written.
      report.flag(MANIFEST_RULES.plainSecret, line, decoded.base64, context);
    } else {
      // Not base64 (the API server would refuse it), but it is still a value committed in a Secret.
      report.scanScalar(nodes, value, raw);
      judgeValue(report, key, raw, line, context, limits);
    }
  }
  for (const { key, value } of nodes.entries(nodes.get(secret, 'stringData'))) {
    if (!isScalar(value)) continue;
    const raw = nodes.text(value) ?? '';
    if (report.isPlaceholder(raw, nodes, value) || isSopsEncrypted(raw)) continue;
    report.scanScalar(nodes, value, raw);
    judgeValue(report, key, raw, nodes.line(value), `stringData.${key}: `, limits);
  }
}

function judgeValue(report: ManifestReport, key: string, value: string, line: number, context: string, limits: ManifestLimits): void {
  if (isPublicPemOnly(value)) return;
  if (REGISTRY_KEYS.has(key) && flagRegistryCredentials(report, key, value, line, limits)) return;
  if (PRIVATE_KEY.test(value)) report.flag(MANIFEST_RULES.privateKey, line, value, context);
  else if (!isNonCredentialEntry(key, value)) report.flag(MANIFEST_RULES.plainSecret, line, value, context);
}

function isPublicPemOnly(value: string): boolean {
  let blocks = 0;
  const rest = value.replace(PEM_BLOCK, (block: string, type: string) => {
    blocks += 1;
    return PUBLIC_PEM_TYPES.has(type) ? '' : block;
  });
  return blocks > 0 && rest.trim().length === 0;
}

/**
 * Reads a docker config (`{"auths": {"<registry>": {"auth": base64("user:password")}}}`, or the
 * legacy `.dockercfg` without `auths`) and flags one credential per registry. Returns false when the
 * value is not a docker config, so the caller reports it as a plain value instead.
 */
function flagRegistryCredentials(report: ManifestReport, key: string, json: string, line: number, limits: ManifestLimits): boolean {
  let config: unknown;
  try {
    config = JSON.parse(json);
  } catch {
    return false;
  }
  if (!isRecord(config)) return false;
  const auths = isRecord(config['auths']) ? config['auths'] : key === '.dockercfg' ? config : undefined;
  if (auths === undefined) return false;
  for (const [registry, entry] of Object.entries(auths).slice(0, MAX_REGISTRIES)) {
    if (!isRecord(entry)) continue;
    const credential = registryCredential(entry, limits.maxDecodedLength);
    if (credential === undefined || report.isPlaceholder(credential)) continue;
    report.scan(credential, line);
    report.flag(MANIFEST_RULES.registryCredential, line, credential, `${key} ${registry}: `);
  }
  return true;
}

/** The secret part of one registry entry: a password or token, else the password inside `auth`. */
function registryCredential(entry: Record<string, unknown>, maxDecodedLength: number): string | undefined {
  for (const field of ['password', 'identitytoken', 'registrytoken']) {
    const value = entry[field];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  const auth = entry['auth'];
  if (typeof auth !== 'string' || auth.length === 0) return undefined;
  const decoded = decodeBase64Text(auth, maxDecodedLength);
  if (decoded === undefined) return auth;
  const colon = decoded.indexOf(':');
  if (colon < 0) return decoded;
  const password = decoded.slice(colon + 1);
  return password.length > 0 ? password : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
