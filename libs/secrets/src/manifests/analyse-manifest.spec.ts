import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileScanResult, Finding, ManifestScanContext } from '../model.js';
import { analyseManifest, type ManifestScanResult } from './analyse-manifest.js';
import { DEFAULT_MANIFEST_LIMITS } from './manifest-limits.js';

const FINGERPRINT_KEY = 'manifest-analyser-test-key';
const fingerprint = (value: string) => createHmac('sha256', FINGERPRINT_KEY).update(value).digest('hex');
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
/** Built at run time so that no scanner mistakes this file for a leak. */
const GITHUB_TOKEN = ['ghp', '_', '0123456789', 'abcdefghijklmnopqrstuvwxyz'].join('');

/**
 * A stand-in for the engine: real fingerprints, a masked preview, a single content rule (GitHub
 * tokens) and the usual placeholders. The real rules are built elsewhere; this only has to tell us
 * which values the analyser hands over and where.
 */
function testContext(path = 'deploy/app.yaml', overrides: Partial<ManifestScanContext> = {}): ManifestScanContext {
  return {
    path,
    finding: ({ ruleId, severity, description, line, value, context }) => ({
      ruleId, kind: 'manifest', severity, description, path, line,
      fingerprint: fingerprint(value),
      preview: `${context}***`.slice(0, 120),
    }),
    scanValue: (value, line) =>
      [...value.matchAll(/ghp_[A-Za-z0-9]{36}/g)].map(([token]) => ({
        ruleId: 'github-pat', kind: 'secret', severity: 'critical', description: 'GitHub token', path, line,
        fingerprint: fingerprint(token), preview: 'ghp_***',
      })),
    isPlaceholder: (value) => /^\s*(?:\$\{[^}]*\}|\{\{.*\}\}|changeme)?\s*$/s.test(value),
    ...overrides,
  };
}

function analyse(text: string, path?: string, overrides?: Partial<ManifestScanContext>): ManifestScanResult {
  const sut = analyseManifest;
  return sut(text, testContext(path, overrides));
}

/**
 * The engine's placeholder test as it bears on structured values: five equal characters in a row
 * are filler (`xxxxx`), and "example" anywhere marks a documented example.
 */
const strictPlaceholders: Partial<ManifestScanContext> = {
  isPlaceholder: (value) => value.trim() === '' || /\$\{|(.)\1{4}|example/i.test(value),
};

/** A token-like string (letters and digits, every character different), built at run time. */
function tokenLike(length: number, offset = 0): string {
  const alphabet = 'aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uVwXyZAbCdEfGhIjKlMnOpQrStUvWxYz';
  return Array.from({ length }, (_, i) => alphabet[(i * 37 + offset) % alphabet.length]).join('');
}

/** A PEM block with a body of 64-character lines. */
function pem(type: string, body: string): string {
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}

/** 1-based line of the first occurrence of `needle`, computed independently of the analyser. */
function lineOf(text: string, needle: string, from = 0): number {
  const index = text.indexOf(needle, from);
  if (index < 0) throw new Error(`fixture has no ${JSON.stringify(needle)}`);
  return text.slice(0, index).split('\n').length;
}

const brief = (findings: readonly Finding[]) => findings.map(({ ruleId, line }) => ({ ruleId, line }));

function expectNoValueInPreviews(result: FileScanResult, values: readonly string[]): void {
  const shown = JSON.stringify(result);
  for (const value of values) expect(shown).not.toContain(value);
}

describe('analyseManifest — Secrets', () => {
  it('reports each stringData credential of a Secret, with its line, fingerprint and a masked preview', () => {
    const text = `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  username: app-user
  password: "s3cr3t-Pa55w0rd!"
  api-key: another-secret-value
`;
    const result = analyse(text);
    expect(result.skips).toEqual([]);
    expect(result.findings).toEqual([
      expect.objectContaining({ ruleId: 'k8s-plain-secret', kind: 'manifest', severity: 'high', line: 8, fingerprint: fingerprint('s3cr3t-Pa55w0rd!'), preview: 'stringData.password: ***' }),
      expect.objectContaining({ ruleId: 'k8s-plain-secret', line: 9, fingerprint: fingerprint('another-secret-value'), preview: 'stringData.api-key: ***' }),
    ]);
    expectNoValueInPreviews(result, ['s3cr3t-Pa55w0rd!', 'another-secret-value']);
  });

  it('finds a Secret whose kind comes after its data, decodes data and runs the content rules on the decoded value', () => {
    const text = `data:
  password: ${b64('hunter2-but-longer')}
  github: ${b64(GITHUB_TOKEN)}
metadata:
  name: creds
kind: Secret
apiVersion: v1
`;
    const result = analyse(text);
    expect(brief(result.findings)).toEqual([
      { ruleId: 'k8s-plain-secret', line: 2 },
      { ruleId: 'github-pat', line: 3 },
      { ruleId: 'k8s-plain-secret', line: 3 },
    ].sort((a, b) => a.line - b.line));
    expect(result.findings.find((f) => f.line === 2)?.fingerprint).toBe(fingerprint('hunter2-but-longer'));
    expect(result.findings.filter((f) => f.line === 3).map((f) => f.fingerprint)).toEqual([fingerprint(GITHUB_TOKEN), fingerprint(GITHUB_TOKEN)]);
    expectNoValueInPreviews(result, ['hunter2-but-longer', GITHUB_TOKEN, b64('hunter2-but-longer')]);
  });

  it('gives a base64 value the same fingerprint as the same value written in stringData', () => {
    const encoded = analyse(`kind: Secret\napiVersion: v1\ndata:\n  pw: ${b64('same-password-1')}\n`).findings;
    const plain = analyse(`kind: Secret\napiVersion: v1\nstringData:\n  pw: same-password-1\n`).findings;
    expect(encoded.map((f) => f.fingerprint)).toEqual(plain.map((f) => f.fingerprint));
    expect(encoded.map((f) => f.preview)).toEqual(['data.pw: ***']);
  });

  it('reports nothing for empty values, empty data, placeholders and template expressions', () => {
    const text = `apiVersion: v1
kind: Secret
data: {}
stringData:
  empty: ""
  nothing:
  env: \${DB_PASSWORD}
  default: changeme
  helm: "{{ .Values.db.password }}"
---
apiVersion: v1
kind: Secret
data:
  encodedPlaceholder: ${b64('changeme')}
  blank: ""
`;
    expect(analyse(text)).toEqual({ findings: [], skips: [], protectedLines: [] });
  });

  it('reads every document of a multi-document file with comments, skipping the one that is not valid YAML', () => {
    const text = `# Rendered by hand; do not edit
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  LOG_LEVEL: debug
---
# the broken one
kind: Secret
stringData: {a: [unclosed
---
apiVersion: v1
kind: Secret   # a comment after the kind
metadata:
  name: second
stringData:
  # the API key of the billing provider
  api-key: sk-test-key-value-000
...
`;
    const result = analyse(text);
    expect(result.skips).toEqual([]);
    expect(brief(result.findings)).toEqual([{ ruleId: 'k8s-plain-secret', line: lineOf(text, 'api-key:') }]);
  });

  it('treats a JSON manifest like YAML, tabs and all', () => {
    const text = '{\n\t"kind": "Secret",\n\t"apiVersion": "v1",\n\t"data": {\n\t\t"token": "' + b64('json-secret-value') + '"\n\t}\n}\n';
    const result = analyse(text, 'deploy/secret.json');
    expect(result.findings).toEqual([expect.objectContaining({ ruleId: 'k8s-plain-secret', line: 5, fingerprint: fingerprint('json-secret-value') })]);
  });

  it('recurses into a List of items, in YAML and in JSON', () => {
    const yaml = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  data:
    password: ${b64('listed-password')}
- apiVersion: v1
  kind: ConfigMap
  data:
    DB_PASSWORD: configmap-password
`;
    expect(brief(analyse(yaml).findings)).toEqual([
      { ruleId: 'k8s-plain-secret', line: 7 },
      { ruleId: 'k8s-configmap-credential', line: 11 },
    ]);
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'SecretList', items: [{ apiVersion: 'v1', kind: 'Secret', stringData: { password: 'listed-password' } }] }, null, 2);
    expect(analyse(json, 'secrets.json').findings).toEqual([
      expect.objectContaining({ ruleId: 'k8s-plain-secret', line: lineOf(json, '"password"'), fingerprint: fingerprint('listed-password') }),
    ]);
  });

  it('reports one registry credential per registry of a dockerconfigjson Secret, and the token inside it', () => {
    const config = JSON.stringify({
      auths: {
        'ghcr.io': { auth: b64(`octocat:${GITHUB_TOKEN}`) },
        'registry.example.com': { username: 'robot', password: 'registry-password-1' },
        'placeholder.example.com': { password: '${REGISTRY_PASSWORD}' },
      },
    });
    const text = `apiVersion: v1
kind: Secret
type: kubernetes.io/dockerconfigjson
metadata: {name: pull}
data:
  .dockerconfigjson: ${b64(config)}
`;
    const result = analyse(text);
    expect(result.findings.map(({ ruleId, line, fingerprint: fp, preview }) => ({ ruleId, line, fp, preview }))).toEqual([
      { ruleId: 'github-pat', line: 6, fp: fingerprint(GITHUB_TOKEN), preview: 'ghp_***' },
      { ruleId: 'k8s-registry-credential', line: 6, fp: fingerprint(GITHUB_TOKEN), preview: '.dockerconfigjson ghcr.io: ***' },
      { ruleId: 'k8s-registry-credential', line: 6, fp: fingerprint('registry-password-1'), preview: '.dockerconfigjson registry.example.com: ***' },
    ]);
    expectNoValueInPreviews(result, ['registry-password-1', GITHUB_TOKEN]);
  });

  it('reports the private key of a TLS Secret as critical and leaves its certificates alone', () => {
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfake\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgfake\n-----END PRIVATE KEY-----\n';
    const text = `apiVersion: v1
kind: Secret
type: kubernetes.io/tls
data:
  tls.crt: ${b64(certificate)}
  ca.crt: ${b64(certificate + certificate)}
  tls.key: ${b64(key)}
`;
    expect(analyse(text).findings).toEqual([
      expect.objectContaining({ ruleId: 'k8s-private-key', severity: 'critical', line: 7, fingerprint: fingerprint(key), preview: 'data.tls.key: ***' }),
    ]);
  });

  it('reports the password of a basic-auth Secret', () => {
    const text = `apiVersion: v1\nkind: Secret\ntype: kubernetes.io/basic-auth\nstringData:\n  password: basic-auth-pass\n`;
    expect(brief(analyse(text).findings)).toEqual([{ ruleId: 'k8s-plain-secret', line: 5 }]);
  });

  it('reports every value of a duplicated key, and a value reached through an alias once', () => {
    const text = `apiVersion: v1
kind: Secret
stringData:
  password: first-password
  password: second-password
  copy: &shared shared-password
  again: *shared
`;
    expect(analyse(text).findings.map((f) => [f.line, f.fingerprint])).toEqual([
      [4, fingerprint('first-password')],
      [5, fingerprint('second-password')],
      [6, fingerprint('shared-password')],
    ]);
  });

  it('does not mistake a Secret-named custom resource of another API group for a core Secret', () => {
    const text = `apiVersion: example.com/v1\nkind: Secret\nstringData:\n  password: not-a-core-secret\n`;
    expect(analyse(text).findings).toEqual([]);
  });
});

describe('analyseManifest — encrypted or referenced secrets are not leaks', () => {
  it('ignores a SealedSecret', () => {
    const text = `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: db}
spec:
  encryptedData:
    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
  template:
    type: Opaque
    data:
      username: ${b64('visible-template-field')}
`;
    expect(analyse(text)).toEqual({ findings: [], skips: [], protectedLines: [{ from: 1, to: 10 }] });
  });

  it('ignores a SOPS-encrypted Secret', () => {
    const text = `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: ENC[AES256_GCM,data:3q2+7w==,iv:abc=,tag:def=,type:str]
  plain_unencrypted: kept-in-clear-on-purpose
sops:
  kms: []
  age:
    - recipient: age1qqqq
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+
        -----END AGE ENCRYPTED FILE-----
  lastmodified: "2024-01-01T00:00:00Z"
  mac: ENC[AES256_GCM,data:abcd,iv:efgh,tag:ijkl,type:str]
  version: 3.8.1
`;
    expect(analyse(text)).toEqual({ findings: [], skips: [], protectedLines: [{ from: 1, to: 18 }] });
  });

  it('ignores SOPS-encrypted values even when the sops block is missing', () => {
    const text = `apiVersion: v1\nkind: Secret\nstringData:\n  password: ENC[AES256_GCM,data:3q2+7w==,iv:abc=,tag:def=,type:str]\n`;
    expect(analyse(text).findings).toEqual([]);
  });

  it('ignores an ExternalSecret and a SecretProviderClass', () => {
    const text = `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata: {name: db}
spec:
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target:
    name: db
    template:
      data:
        password: "{{ .password }}"
  data:
    - secretKey: password
      remoteRef: {key: secret/db, property: password}
---
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata: {name: vault-db}
spec:
  provider: vault
  parameters:
    objects: |
      - objectName: "db-password"
        secretPath: "secret/data/db"
        secretKey: "password"
`;
    expect(analyse(text)).toEqual({ findings: [], skips: [], protectedLines: [{ from: 1, to: 13 }, { from: 15, to: 24 }] });
  });

  it('ignores Vault agent annotations and secrets read from files', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    metadata:
      annotations:
        vault.hashicorp.com/agent-inject: "true"
        vault.hashicorp.com/agent-inject-secret-db: "database/creds/app"
        vault.hashicorp.com/agent-inject-template-db: |
          {{- with secret "database/creds/app" -}}
          postgres://{{ .Data.username }}:{{ .Data.password }}@db:5432/app
          {{- end }}
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - name: DB_PASSWORD_FILE
              value: /vault/secrets/db
            - name: DB_PASSWORD
              value: /vault/secrets/db-password
`;
    expect(analyse(text)).toEqual({ findings: [], skips: [], protectedLines: [] });
  });
});

describe('analyseManifest — workloads', () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: api:1
          env:
            - {name: DATABASE_PASSWORD, value: "init-literal-pw"}
      containers:
        - name: api
          image: api:1
          env:
            - name: DB_PASSWORD
              value: literal-db-password
            - name: API_TOKEN
              valueFrom:
                secretKeyRef: {name: api, key: token}
            - name: SECRET_KEY
              value: \${SECRET_KEY}
            - name: STRIPE_API_KEY
              value: "{{ .Values.stripe.key }}"
            - name: K8S_REF_PASSWORD
              value: $(DB_PASSWORD)
            - name: NOTES
              value: ${GITHUB_TOKEN}
            - name: AUTH_ENABLED
              value: "true"
            - name: TOKEN_TTL
              value: "3600"
            - name: PORT
              value: "8080"
`;

  it('reports a credential-like env literal, and a token under a neutral name through the content rules', () => {
    const result = analyse(deployment);
    expect(result.skips).toEqual([]);
    expect(result.findings.map(({ ruleId, line, fingerprint: fp, preview }) => ({ ruleId, line, fp, preview }))).toEqual([
      { ruleId: 'k8s-env-literal-secret', line: lineOf(deployment, 'init-literal-pw'), fp: fingerprint('init-literal-pw'), preview: 'env.DATABASE_PASSWORD: ***' },
      { ruleId: 'k8s-env-literal-secret', line: lineOf(deployment, 'literal-db-password'), fp: fingerprint('literal-db-password'), preview: 'env.DB_PASSWORD: ***' },
      { ruleId: 'github-pat', line: lineOf(deployment, GITHUB_TOKEN), fp: fingerprint(GITHUB_TOKEN), preview: 'ghp_***' },
    ]);
    expect(result.findings[0]?.severity).toBe('medium');
  });

  it('finds env literals in a CronJob job template and in a bare Pod', () => {
    const text = `apiVersion: batch/v1
kind: CronJob
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: backup:1
              env:
                - name: S3_SECRET_ACCESS_KEY
                  value: cronjob-literal-secret
---
apiVersion: v1
kind: Pod
spec:
  ephemeralContainers:
    - name: debug
      env:
        - name: REDIS_PASSWORD
          value: pod-literal-secret
`;
    expect(analyse(text).findings.map((f) => [f.ruleId, f.line, f.fingerprint])).toEqual([
      ['k8s-env-literal-secret', lineOf(text, 'cronjob-literal-secret'), fingerprint('cronjob-literal-secret')],
      ['k8s-env-literal-secret', lineOf(text, 'pod-literal-secret'), fingerprint('pod-literal-secret')],
    ]);
  });

  it('follows a merge key into shared env entries and reports the value once, where it is written', () => {
    const text = `apiVersion: v1
kind: Pod
spec:
  containers:
    - name: a
      env:
        - &dbpw
          name: DB_PASSWORD
          value: merged-secret-value
    - name: b
      env:
        - *dbpw
        - <<: *dbpw
          name: DB_PASSWORD
`;
    expect(brief(analyse(text).findings)).toEqual([{ ruleId: 'k8s-env-literal-secret', line: 9 }]);
  });
});

describe('analyseManifest — ConfigMaps', () => {
  it('reports a credential-like key and scans embedded files line by line', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data:
  LOG_LEVEL: info
  PASSWORD_POLICY: strict-mode
  spring.datasource.password: configmap-db-password
  SMTP_PASSWORD: ""
  application.properties: |
    server.port=8080
    # the deploy bot
    github.token=${GITHUB_TOKEN}
binaryData:
  token.bin: ${b64(`token=${GITHUB_TOKEN}`)}
`;
    const result = analyse(text);
    expect(result.findings.map(({ ruleId, line, fingerprint: fp }) => ({ ruleId, line, fp }))).toEqual([
      { ruleId: 'k8s-configmap-credential', line: 7, fp: fingerprint('configmap-db-password') },
      { ruleId: 'github-pat', line: 12, fp: fingerprint(GITHUB_TOKEN) },
      { ruleId: 'github-pat', line: 14, fp: fingerprint(GITHUB_TOKEN) },
    ]);
    expect(result.findings[0]?.preview).toBe('data.spring.datasource.password: ***');
  });

  it('resolves an alias to the closest preceding definition of a redefined anchor', () => {
    const text = `apiVersion: v1
kind: ConfigMap
data:
  first: &value first-value
  second: &value second-redefined-value
  DB_PASSWORD: *value
`;
    expect(analyse(text).findings.map((f) => [f.ruleId, f.line, f.fingerprint])).toEqual([
      ['k8s-configmap-credential', 5, fingerprint('second-redefined-value')],
    ]);
  });
});

describe('analyseManifest — kustomize', () => {
  it('reports secretGenerator credentials (not the username beside them), not file references, and credential-like configMapGenerator literals', () => {
    const text = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [deployment.yaml]
secretGenerator:
  - name: db
    literals:
      - username=admin-user
      - password="quoted secret value"
      - placeholder=\${DB_PASSWORD}
    files:
      - tls.key
    envs:
      - secrets.env
configMapGenerator:
  - name: settings
    literals:
      - LOG_LEVEL=debug
      - API_KEY=configmap-generator-key
`;
    const result = analyse(text, 'overlays/prod/kustomization.yaml');
    expect(result.findings.map(({ ruleId, line, fingerprint: fp, preview }) => ({ ruleId, line, fp, preview }))).toEqual([
      { ruleId: 'k8s-kustomize-secret-literal', line: 8, fp: fingerprint('quoted secret value'), preview: 'secretGenerator db: password=***' },
      { ruleId: 'k8s-kustomize-configmap-credential', line: 18, fp: fingerprint('configmap-generator-key'), preview: 'configMapGenerator settings: API_KEY=***' },
    ]);
    expectNoValueInPreviews(result, ['quoted secret value', 'configmap-generator-key']);
  });
});

describe('analyseManifest — Helm templates', () => {
  it('does not throw or report on a template that is not valid YAML', () => {
    const text = `{{- if .Values.secret.create -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "chart.fullname" . }}
  labels: {{- include "chart.labels" . | nindent 4 }}
data:
  {{- range $key, $value := .Values.secret.data }}
  {{ $key }}: {{ $value | b64enc | quote }}
  {{- end }}
  password: {{ required "a password" .Values.password | b64enc }
{{- end }}
`;
    expect(analyse(text, 'chart/templates/secret.yaml')).toEqual({ findings: [], skips: [], protectedLines: [] });
  });

  it('reports a literal written into a template while ignoring the template expressions around it', () => {
    const text = `{{- if .Values.enabled }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "chart.fullname" . }}
stringData:
  templated: {{ .Values.password | quote }}
  partly: "postgres://app:{{ .Values.db.password }}@db/app"
  hardcoded: helm-literal-secret
{{- end }}
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          env:
            {{- include "chart.env" . | nindent 12 }}
            - name: DB_PASSWORD
              value: {{ .Values.db.password }}
`;
    const result = analyse(text, 'chart/templates/all.yaml');
    expect(result.findings.map((f) => [f.ruleId, f.line, f.fingerprint])).toEqual([
      ['k8s-plain-secret', 9, fingerprint('helm-literal-secret')],
    ]);
  });
});

describe('analyseManifest — hostile and broken input', () => {
  const tooComplex = (path = 'deploy/app.yaml') => [{ path, reason: 'MANIFEST_TOO_COMPLEX' }];

  it('skips a billion-laughs alias bomb', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 10; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const current = String.fromCharCode(97 + level);
      levels.push(`${current}: &${current} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\n${levels.join('\n')}\n`;
    expect(analyse(text).skips).toEqual(tooComplex());
  });

  it('skips a few aliases that each expand a large collection', () => {
    const items = Array.from({ length: 1_000 }, (_, i) => `"v${i}"`).join(',');
    const text = `kind: ConfigMap\nbig: &big [${items}]\ncopies: [${Array(50).fill('*big').join(',')}]\n`;
    expect(analyseManifest(text, testContext(), { ...DEFAULT_MANIFEST_LIMITS, maxVisits: 10_000 }).skips).toEqual(tooComplex());
  });

  it('skips a self-referencing alias instead of looping', () => {
    expect(analyse('kind: Pod\nspec: &loop\n  containers: [*loop]\n').skips).toEqual(tooComplex());
  });

  it('skips a file with 10 000 documents but keeps what the first ones revealed', () => {
    const text = `kind: Secret\napiVersion: v1\nstringData: {password: early-password}\n` + '---\nkind: ConfigMap\n'.repeat(10_000);
    const result = analyse(text);
    expect(result.skips).toEqual(tooComplex());
    expect(result.findings.map((f) => f.fingerprint)).toEqual([fingerprint('early-password')]);
  });

  it('skips deep nesting, in flow and in block style', () => {
    expect(analyse(`kind: Pod\nspec: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`).skips).toEqual(tooComplex());
    expect(analyse(`kind: Pod\nspec: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}\n`).skips).toEqual(tooComplex());
    const block = Array.from({ length: 200 }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n');
    expect(analyse(`kind: Pod\n${block} 1\n`).skips).toEqual(tooComplex());
  });

  it('skips a file over the length, node or visit limits', () => {
    const text = `kind: ConfigMap\ndata:\n${Array.from({ length: 50 }, (_, i) => `  k${i}: v`).join('\n')}\n`;
    const ctx = testContext();
    expect(analyseManifest(text, ctx, { ...DEFAULT_MANIFEST_LIMITS, maxLength: 100 }).skips).toEqual(tooComplex());
    expect(analyseManifest(text, ctx, { ...DEFAULT_MANIFEST_LIMITS, maxNodes: 60 }).skips).toEqual(tooComplex());
    expect(analyseManifest(text, ctx, { ...DEFAULT_MANIFEST_LIMITS, maxVisits: 60 }).skips).toEqual(tooComplex());
    expect(analyseManifest(text, ctx, DEFAULT_MANIFEST_LIMITS).skips).toEqual([]);
  });

  it('reports nothing for invalid YAML, a scalar document or a file that is not a manifest', () => {
    expect(analyse('kind: Secret\nstringData:\n  password: "unterminated\n  other: [\n')).toEqual({ findings: [], skips: [], protectedLines: [] });
    expect(analyse('kind: Secret\n\tstringData: {password: tab-indented}\n')).toEqual({ findings: [], skips: [], protectedLines: [] });
    expect(analyse('just a string with kind: in it')).toEqual({ findings: [], skips: [], protectedLines: [] });
    expect(analyse('{"name": "app", "version": "1.0.0", "password": "not-a-manifest"}', 'config.json')).toEqual({ findings: [], skips: [], protectedLines: [] });
  });
});

describe('analyseManifest — what travels with a credential', () => {
  it('does not report the coordinates and settings kept beside a credential in a Secret', () => {
    const text = `apiVersion: v1
kind: Secret
metadata: {name: db}
type: Opaque
stringData:
  username: accounts_app
  POSTGRES_USER: postgres
  host: db.internal
  DB_HOST_PROD: 10.0.12.7
  port: "5432"
  database: accounts
  region: eu-west-1
  url: https://api.internal.corp/v1
  brokers: kafka-0.kafka:9092,kafka-1.kafka:9092
  email: ops-team@corp.io
  client_id: 0f8fad5b-d9cb-469f-a165-70867728950e
  twilio_account_sid: AC${'0f8fad5bd9cb469fa16570867728950e'}
  LOG_LEVEL: info
  enabled: "true"
  password: ${tokenLike(20)}
data:
  user: ${b64('reporting')}
  hostname: ${b64('analytics-db.eu-west-1.rds.amazonaws.com')}
`;
    expect(brief(analyse(text).findings)).toEqual([{ ruleId: 'k8s-plain-secret', line: lineOf(text, 'password:') }]);
  });

  it('still reports a coordinate whose value is not shaped like one, and every credential-named value', () => {
    const text = `apiVersion: v1
kind: Secret
stringData:
  username: ${tokenLike(24)}
  user: "alice:not-a-username"
  host: postgres://app:${tokenLike(18, 5)}@db.internal/app
  webhook_endpoint: https://hooks.chat.io/services/${tokenLike(24, 9)}
  secret_id: 0f8fad5b-d9cb-469f-a165-70867728950e
  max_connections: "100"
  password: "12345678"
  config.yaml: |
    level: info
  notes: two words
`;
    const lines = analyse(text).findings.map((f) => f.line);
    expect(lines).toEqual([4, 5, 6, 7, 8, 10, 12, 13]);
  });

  it('lets settings and coordinates in a secretGenerator go, and keeps its credential literals', () => {
    const text = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
  - name: app-env
    literals:
      - LOG_LEVEL=info
      - DB_USER=app
      - DB_HOST=db.internal
      - DB_PORT=5432
      - twilio-account-sid=AC${'0f8fad5bd9cb469fa16570867728950e'}
      - sqlalchemy-database-uri=postgresql://app:${tokenLike(22, 3)}@db.internal.example.net:5432/app
      - SESSION_KEY=${tokenLike(32, 7)}
      - signup-code=${tokenLike(16, 11)}
`;
    const result = analyse(text, 'overlays/prod/kustomization.yaml', strictPlaceholders);
    expect(brief(result.findings)).toEqual([
      { ruleId: 'k8s-kustomize-secret-literal', line: 11 },
      { ruleId: 'k8s-kustomize-secret-literal', line: 12 },
      { ruleId: 'k8s-kustomize-secret-literal', line: 13 },
    ]);
  });

  it('judges a URL by its password: a placeholder host does not hide it, a placeholder password is no leak', () => {
    const password = tokenLike(20, 13);
    const text = `apiVersion: v1
kind: Secret
stringData:
  DATABASE_URL: postgres://app:${password}@db.example.net:5432/app
  TEMPLATE_URL: postgres://app:\${DB_PASSWORD}@db.internal:5432/app
`;
    expect(analyse(text, undefined, strictPlaceholders).findings).toEqual([
      expect.objectContaining({ ruleId: 'k8s-plain-secret', line: 4, fingerprint: fingerprint(`postgres://app:${password}@db.example.net:5432/app`) }),
    ]);
  });
});

describe('analyseManifest — private keys in data', () => {
  /** The public, fixed start of every OpenSSH private key: magic, "none" cipher and KDF, zero runs (`AAAAA`). */
  const OPENSSH_PREFIX = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ';

  it('reports a base64 PEM private key although its armour and zero bytes look like filler to the placeholder test', () => {
    const rsa = pem('RSA PRIVATE KEY', 'MIIEpAIBAAKCAQEA' + tokenLike(320, 1));
    const openssh = pem('OPENSSH PRIVATE KEY', OPENSSH_PREFIX + tokenLike(200, 2));
    const text = `apiVersion: v1
kind: Secret
type: kubernetes.io/tls
data:
  tls.crt: ${b64(pem('CERTIFICATE', 'MIIBszCCAVmgAwIBAgIU' + tokenLike(80)))}
  tls.key: ${b64(rsa)}
  ssh-privatekey: ${b64(openssh)}
stringData:
  key.pem: |
${rsa.trimEnd().split('\n').map((line) => `    ${line}`).join('\n')}
`;
    const result = analyse(text, undefined, strictPlaceholders);
    expect(result.findings.map(({ ruleId, severity, line, fingerprint: fp }) => ({ ruleId, severity, line, fp }))).toEqual([
      { ruleId: 'k8s-private-key', severity: 'critical', line: 6, fp: fingerprint(rsa) },
      { ruleId: 'k8s-private-key', severity: 'critical', line: 7, fp: fingerprint(openssh) },
      { ruleId: 'k8s-private-key', severity: 'critical', line: 10, fp: fingerprint(rsa.trimEnd() + '\n') },
    ]);
  });

  it('does not report a PEM block whose body is elided, redacted or filler', () => {
    const text = `apiVersion: v1
kind: Secret
data:
  elided: ${b64('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n')}
  redacted: ${b64(pem('PRIVATE KEY', 'REDACTED'.repeat(8)))}
  filler: ${b64(pem('EC PRIVATE KEY', 'x'.repeat(120)))}
  words: ${b64(pem('RSA PRIVATE KEY', '<paste your key here, it is the long base64 text>'))}
`;
    expect(analyse(text, undefined, strictPlaceholders).findings).toEqual([]);
  });
});

describe('analyseManifest — name-based rules and what the value is', () => {
  it('reports a URL with a password in a ConfigMap or env under any name, not one without or with a placeholder', () => {
    const password = tokenLike(18, 17);
    const text = `apiVersion: v1
kind: ConfigMap
data:
  pip_extra_index_url: "https://deploy:${password}@pypi.corp.io/simple"
  UPSTREAM_URL: http://accounts.identity.svc.cluster.local:8080
  MIRROR_URL: https://deploy:\${MIRROR_PASSWORD}@pypi.corp.io/simple
---
apiVersion: v1
kind: Pod
spec:
  containers:
    - name: app
      env:
        - name: UPSTREAM
          value: amqp://app:${password}@rabbit.internal:5672/vhost
`;
    expect(brief(analyse(text).findings)).toEqual([
      { ruleId: 'k8s-configmap-credential', line: 4 },
      { ruleId: 'k8s-env-literal-secret', line: lineOf(text, 'amqp://') },
    ]);
  });

  it('leaves a JWT under a credential-like name to the content rules, which know unsigned tokens and documented examples', () => {
    const header = Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url');
    const payload = Buffer.from('{"sub":"test-user","role":"admin"}').toString('base64url');
    const unsigned = `${header}.${payload}.`;
    const text = `apiVersion: v1
kind: ConfigMap
data:
  test_token: "${unsigned}"
`;
    expect(analyse(text).findings).toEqual([]);
    const jwtRule: Partial<ManifestScanContext> = {
      scanValue: (value, line) => (value.startsWith('eyJ')
        ? [{ ruleId: 'jwt', kind: 'secret', severity: 'medium', description: 'JWT', path: 'deploy/app.yaml', line, fingerprint: fingerprint(value), preview: 'eyJ***' }]
        : []),
    };
    expect(brief(analyse(text, undefined, jwtRule).findings)).toEqual([
      { ruleId: 'jwt', line: 4 },
      { ruleId: 'k8s-configmap-credential', line: 4 },
    ]);
  });
});

describe('analyseManifest — documents with a syntax error', () => {
  it('reads a document up to its first syntax error and no further', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: api
          env:
            - name: AUTH_TOKEN
              value: "before-the-error-token"
            auth_method: "token"
            - name: DB_PASSWORD
              value: after-the-error-password
`;
    expect(analyse(text).findings).toEqual([
      expect.objectContaining({ ruleId: 'k8s-env-literal-secret', line: 10, fingerprint: fingerprint('before-the-error-token') }),
    ]);
  });

  it('reads nothing of a Secret whose error comes before its values', () => {
    const text = `apiVersion: v1
kind: Secret
 metadata: {name: broken}
stringData:
  password: after-a-bad-indent
`;
    expect(analyse(text).findings).toEqual([]);
  });
});
