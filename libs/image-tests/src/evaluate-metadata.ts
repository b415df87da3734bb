import { isPlaceholder, type ScanEngine } from '@portcullis/secrets';
import { isRootUser, type ImageConfig } from './image-config.js';
import type { ImageTestSpec } from './image-tests.schema.js';
import { listed, result, type ImageTestResult } from './results.js';

/**
 * The part of `@portcullis/secrets`' in-process engine the env check uses: the caller injects
 * `createScanEngine({ fingerprintKey, rules })`, so image env values are judged by the same rules
 * (and the same allowlists) as repository files. Without it only the name heuristic below runs.
 */
export type EnvSecretScanner = Pick<ScanEngine, 'scan'>;

export interface EvaluateMetadataOptions {
  readonly secretScanner?: EnvSecretScanner;
}

/** Names that say "this holds a credential" (PWD, the working directory, deliberately not). */
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASS|SECRET|SECRETS|TOKEN|APIKEY|API_KEY|PRIVATE_KEY|ACCESS_KEY|SECRET_KEY|CLIENT_SECRET|CREDENTIAL|CREDENTIALS|AUTH_KEY|SIGNING_KEY|ENCRYPTION_KEY)(_|$)/i;
/** …unless the name says the value is only where the credential is, or something public about it. */
const REFERENCE_SUFFIX = /_(FILE|PATH|DIR|URL|URI|HOST|PORT|USER|USERNAME|NAME|ENDPOINT|ISSUER|ID|ENABLED|LENGTH|TTL|EXPIRY|HEADER)$/i;
/** A URL with a password in it (`postgres://app:hunter2@db/app`), whatever the variable is called. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
const BOOLEANISH = /^(true|false|yes|no|on|off|0|1|none|null|disabled|enabled)$/i;
/** Longest env value handed to the secret engine (a value is a line of the scanned text). */
const MAX_SCANNED_VALUE = 32 * 1024;
const MAX_ENV_ENTRIES = 2000;

/** Why an env variable looks like a secret, or undefined. Reasons name the variable, never its value. */
function secretEnvReason(name: string, value: string, scanner: EnvSecretScanner | undefined): string | undefined {
  if (value === '') return undefined;
  if (URL_WITH_PASSWORD.test(value)) return `${name} holds a URL with a password`;
  if (scanner) {
    const scanned = scanner.scan({ path: `image-config/env/${name}`, content: `${name}=${value.slice(0, MAX_SCANNED_VALUE)}\n` });
    const finding = scanned.findings[0];
    if (finding) return `${name} matches secret rule ${finding.ruleId}`;
  }
  if (SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name) && !BOOLEANISH.test(value) && !isPlaceholder(value) && !value.startsWith('/')) {
    return `${name} is named like a credential and has a literal value`;
  }
  return undefined;
}

function sameList(actual: readonly string[] | null | undefined, expected: readonly string[]): boolean {
  const list = actual ?? [];
  return list.length === expected.length && list.every((item, i) => item === expected[i]);
}

/** `["a","b"]`, cut short: an entrypoint is configuration, not a secret, but it may be long. */
function show(list: readonly string[] | null | undefined): string {
  const text = JSON.stringify(list ?? []);
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/**
 * Judges the image configuration by the `metadata:` checks. One result per configured check, in
 * a fixed order; `noSecretEnv` is on unless set to false. Reasons never include an env value.
 */
export function evaluateMetadata(config: ImageConfig, tests: ImageTestSpec | undefined, options: EvaluateMetadataOptions = {}): ImageTestResult[] {
  const spec = tests?.metadata;
  if (!spec) return [];
  const c = config.config ?? {};
  const out: ImageTestResult[] = [];
  const check = (id: string, ok: boolean, reason: string): void => {
    out.push(result(`metadata.${id}`, 'metadata', ok ? 'passed' : 'failed', ok ? undefined : reason));
  };

  if (spec.nonRoot === true) check('nonRoot', !isRootUser(c.User), `the image runs as root (User ${JSON.stringify(c.User ?? '')})`);
  if (spec.user !== undefined) check('user', (c.User ?? '') === spec.user, `User is ${JSON.stringify(c.User ?? '')}, expected ${JSON.stringify(spec.user)}`);
  if (spec.entrypoint !== undefined) check('entrypoint', sameList(c.Entrypoint, spec.entrypoint), `Entrypoint is ${show(c.Entrypoint)}, expected ${show(spec.entrypoint)}`);
  if (spec.cmd !== undefined) check('cmd', sameList(c.Cmd, spec.cmd), `Cmd is ${show(c.Cmd)}, expected ${show(spec.cmd)}`);
  if (spec.workingDir !== undefined) {
    check('workingDir', (c.WorkingDir ?? '') === spec.workingDir, `WorkingDir is ${JSON.stringify(c.WorkingDir ?? '')}, expected ${JSON.stringify(spec.workingDir)}`);
  }
  if (spec.exposedPorts !== undefined) {
    const allowed = new Set(spec.exposedPorts);
    const exposed = Object.keys(c.ExposedPorts ?? {}).map((p) => (p.includes('/') ? p : `${p}/tcp`));
    const extra = exposed.filter((p) => !allowed.has(p));
    check('exposedPorts', extra.length === 0, `exposes ${listed(extra)}, not in the declared list`);
  }
  if (spec.requiredLabels !== undefined) {
    const labels = c.Labels ?? {};
    const missing = spec.requiredLabels.filter((name) => (labels[name] ?? '').trim() === '');
    check('requiredLabels', missing.length === 0, `missing label ${listed(missing)}`);
  }
  if (spec.labels !== undefined) {
    const labels = c.Labels ?? {};
    const wrong = Object.entries(spec.labels)
      .filter(([name, pattern]) => labels[name] === undefined || !pattern.test(labels[name].slice(0, 4096)))
      .map(([name, pattern]) => (labels[name] === undefined ? `${name} (missing)` : `${name} (does not match /${pattern.source}/)`));
    check('labels', wrong.length === 0, `label ${listed(wrong, 3)}`);
  }
  if (spec.noSecretEnv !== false) {
    const allowed = new Set(spec.allowEnv ?? []);
    const reasons: string[] = [];
    for (const entry of (c.Env ?? []).slice(0, MAX_ENV_ENTRIES)) {
      const eq = entry.indexOf('=');
      const name = eq < 0 ? entry : entry.slice(0, eq);
      if (allowed.has(name)) continue;
      const reason = secretEnvReason(name.slice(0, 256), eq < 0 ? '' : entry.slice(eq + 1), options.secretScanner);
      if (reason) reasons.push(reason);
    }
    check('noSecretEnv', reasons.length === 0, `secret-looking env: ${listed(reasons, 3)} (values not shown)`);
  }
  if (spec.os !== undefined) check('os', (config.os ?? '') === spec.os, `os is ${JSON.stringify(config.os ?? '')}, expected ${JSON.stringify(spec.os)}`);
  if (spec.architecture !== undefined) {
    const wanted = Array.isArray(spec.architecture) ? spec.architecture : [spec.architecture];
    const arch = config.architecture ?? '';
    const withVariant = config.variant ? `${arch}/${config.variant}` : arch;
    check('architecture', wanted.includes(arch) || wanted.includes(withVariant), `architecture is ${JSON.stringify(withVariant)}, expected ${listed(wanted)}`);
  }
  return out;
}
