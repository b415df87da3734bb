#!/usr/bin/env node
// Deterministic generator of a labeled corpus of repository-like content for the secrets benchmark.
//   node tools/bench/secrets/corpus.mjs [--seed 1] [--size-mb 40] [--out DIR] [--force]
// Writes the files plus labels.json (planted secrets: path, line, type, context; notable planted
// negatives: path, line, kind; every file: path, bytes, kind).
//
// Honesty rules this file keeps:
// - Formats come from the providers' documentation and from how real repositories look, not from
//   any scanner's rules (ours is written in parallel and was not read for this).
// - No realistic-looking secret literal appears in this source: every token body is drawn from a
//   seeded PRNG at run time, and the few public documented example values (AWS docs, jwt.io,
//   Azurite, Stripe docs) are assembled from pieces, so scanning this repository stays quiet.
// - GitHub (ghp_/gho_/ghs_) and npm (npm_) tokens get the documented 6-char base62 CRC32 suffix
//   over the random part; GitLab, Slack, Stripe, SendGrid, OpenAI, Docker Hub, PyPI bodies are
//   random in the documented alphabet and length (those formats have no public checksum).
import { Buffer } from 'node:buffer';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32 } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../../..');
/** Bump when the generated content changes, so cached corpora are regenerated. */
export const GENERATOR_VERSION = 5;

// ---------------------------------------------------------------- PRNG (sfc32 seeded by splitmix32)

function makeRng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    weighted: (pairs) => {
      const total = pairs.reduce((n, [, w]) => n + w, 0);
      let x = next() * total;
      for (const [v, w] of pairs) if ((x -= w) < 0) return v;
      return pairs[pairs.length - 1][0];
    },
    str: (alphabet, n) => {
      let out = '';
      for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
    bytes: (n) => {
      const buf = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) buf[i] = Math.floor(next() * 256);
      return buf;
    },
  };
  r.hex = (n) => r.str(HEX, n);
  r.uuid = () => `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${r.hex(3)}-${r.hex(12)}`;
  r.b64 = (nBytes) => r.bytes(nBytes).toString('base64');
  r.b64url = (nBytes) => r.bytes(nBytes).toString('base64url');
  return r;
}

const HEX = '0123456789abcdef';
const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const B62 = DIGITS + UPPER + LOWER;
const B64 = `${UPPER}${LOWER}${DIGITS}+/`;
const B64URL = `${UPPER}${LOWER}${DIGITS}-_`;
const B32 = `${UPPER}234567`;

// ---------------------------------------------------------------- vocabulary

const WORDS = `account address admin alert amount api app archive asset audit auth backup balance batch billing
blob board book bucket budget build bundle cache campaign card cart catalog channel chart check client cluster
comment config contact content cost coupon credit cron customer dashboard data deploy device digest discount
document domain draft email endpoint entry event export feature feed file filter flag form gateway graph group
health history hook image import inbox index invoice item job key label lead ledger license link list loader
locale log mail manifest map market media member message meter metric model module monitor note notice offer
order owner package page panel partner payment payout permission photo pipeline plan policy pool post preference
price product profile project promo provider queue quota rate receipt record region release report request
resource result review role route rule sale schedule schema search segment session setting share shipment
signal site slot snapshot source stage state status step stock store stream subscription summary supplier
survey sync table tag task team template tenant theme thread ticket timeline token topic trace track transfer
trigger upload usage user variant vendor version view visit wallet warehouse webhook widget workflow workspace`.split(/\s+/);
const VERBS = 'get list create update delete find load save sync build render parse validate apply fetch send handle resolve compute merge publish process refresh reset check count map'.split(' ');
const ORGS = ['acme', 'northwind', 'globex', 'initech', 'umbrella', 'hooli', 'contoso', 'vandelay'];
const SERVICES = ['billing', 'checkout', 'catalog', 'identity', 'notifications', 'orders', 'payments', 'search', 'shipping', 'reporting', 'gateway', 'inventory', 'ledger', 'accounts'];
const HOSTS = ['db.internal', 'pg-prod-01.cluster-c8x2.eu-west-1.rds.amazonaws.com', 'mysql.prod.svc.cluster.local', 'cluster0.a1b2c.mongodb.net', 'redis-master.cache.svc', 'rabbitmq.prod.svc', '10.12.4.21', 'analytics-db.internal.example.net'];

const cap = (s) => s[0].toUpperCase() + s.slice(1);
const camel = (snake) => snake.toLowerCase().split('_').map((p, i) => (i ? cap(p) : p)).join('');
const pascal = (snake) => snake.toLowerCase().split('_').map(cap).join('');
const upper = (snake) => snake.toUpperCase();
const kebab = (snake) => snake.toLowerCase().replaceAll('_', '-');

// ---------------------------------------------------------------- secret formats (provider docs)

const BASE62_ALPHA = DIGITS + UPPER + LOWER;
function base62Crc(body) {
  let n = crc32(Buffer.from(body));
  let out = '';
  while (n > 0) {
    out = BASE62_ALPHA[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(6, '0');
}
/** GitHub/npm style: prefix + 30 random base62 + 6-char base62 CRC32 of the random part. */
function checksummed(rng, prefix) {
  const body = rng.str(B62, 30);
  return `${prefix}${body}${base62Crc(body)}`;
}
const pemLine = (kind, which) => `-----${which} ${kind ? `${kind} ` : ''}PRIV${'ATE'} KEY-----`;

// DER prefixes of real key encodings, so bodies start the way real ones do (the rest is random).
const DER = {
  RSA: '308204a40201000282010100',
  PKCS8: '308204be020100300d06092a864886f70d0101010500048204a8308204a40201000282010100',
  EC: '307702010104',
};
function pemBody(rng, kind) {
  let buf;
  if (kind === 'RSA') buf = Buffer.concat([Buffer.from(DER.RSA, 'hex'), rng.bytes(1180)]);
  else if (kind === '') buf = Buffer.concat([Buffer.from(DER.PKCS8, 'hex'), rng.bytes(1180)]);
  else if (kind === 'EC') buf = Buffer.concat([Buffer.from(DER.EC, 'hex'), Buffer.from([0x20]), rng.bytes(32), Buffer.from('a00a06082a8648ce3d030107a144034200', 'hex'), Buffer.from([4]), rng.bytes(64)]);
  else buf = Buffer.concat([Buffer.from('openssh-key-v1\0', 'latin1'), Buffer.from('000000046e6f6e65000000046e6f6e6500000000000000010000003300000b7373682d6564323535313900000020', 'hex'), rng.bytes(300)]);
  const b = buf.toString('base64');
  const lines = [];
  const width = kind === 'OPENSSH' ? 70 : 64;
  for (let i = 0; i < b.length; i += width) lines.push(b.slice(i, i + width));
  return lines;
}
/** A PEM private key as lines (BEGIN ... END). */
function pemKey(rng, kind = rng.pick(['RSA', '', '', 'EC', 'OPENSSH'])) {
  return [pemLine(kind, 'BEGIN'), ...pemBody(rng, kind), pemLine(kind, 'END')];
}
function jwt(rng, { alg = rng.pick(['HS256', 'RS256']), payload } = {}) {
  const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url');
  const now = 1_700_000_000 + rng.int(0, 40_000_000);
  const body = payload ?? {
    iss: rng.pick([`https://auth.${rng.pick(ORGS)}.io/`, `${rng.pick(SERVICES)}-service`, 'https://login.microsoftonline.com/' + rng.uuid() + '/v2.0']),
    sub: rng.pick([`svc-${rng.pick(SERVICES)}`, rng.uuid(), `user_${rng.int(1000, 999999)}`]),
    aud: rng.pick(['api', `https://api.${rng.pick(ORGS)}.com`, 'internal']),
    scope: rng.pick(['read write', 'admin', 'orders:read orders:write', 'deploy']),
    iat: now,
    exp: now + rng.pick([3600 * 24 * 365, 3600 * 24 * 365 * 5, 3600 * 24 * 30]),
  };
  const p = Buffer.from(JSON.stringify(body)).toString('base64url');
  const sig = rng.bytes(alg === 'HS256' ? 32 : 256).toString('base64url');
  return `${header}.${p}.${sig}`;
}
function password(rng) {
  // Generated the way password managers and `openssl rand` do.
  return rng.weighted([
    [() => rng.str(B62 + '!#%^*-_=+', rng.int(16, 32)), 5],
    [() => rng.b64(rng.int(18, 33)).replace(/=+$/, ''), 3],
    [() => rng.hex(rng.pick([32, 40, 64])), 2],
  ])();
}
function humanPassword(rng) {
  return `${cap(rng.pick(['summer', 'winter', 'falcon', 'orange', 'tiger', 'harbor', 'maple', 'rocket', 'silver', 'dragon']))}${rng.pick(['', '_', '.', '-'])}${cap(rng.pick(WORDS))}${rng.int(10, 2025)}${rng.pick(['!', '#', '$', '?', '@', ''])}`;
}

/**
 * Secret types. Each produces { value } for a single-line value, plus the variable names it
 * is usually stored under. Pairs (AWS, Twilio) and multi-line keys are handled in plantPositive.
 */
const TYPES = {
  'aws-access-key': { w: 3, names: ['aws_access_key_id'], pair: true },
  'gcp-service-account-key': { w: 2, multi: true },
  'azure-storage-connection-string': {
    w: 2,
    names: ['azure_storage_connection_string', 'storage_connection_string', 'blob_connection'],
    gen: (r) => `DefaultEndpointsProtocol=https;AccountName=${r.pick(ORGS)}${r.pick(SERVICES)}${r.int(1, 99)};AccountKey=${r.b64(64)};EndpointSuffix=core.windows.net`,
  },
  'github-pat-classic': { w: 3, names: ['github_token', 'gh_token', 'github_pat', 'token'], gen: (r) => checksummed(r, 'ghp_') },
  'github-pat-fine-grained': { w: 2, names: ['github_token', 'gh_pat', 'token'], gen: (r) => `github_pat_${r.str(B62, 22)}_${r.str(B62, 59)}` },
  'github-app-token': { w: 1, names: ['github_token', 'installation_token'], gen: (r) => checksummed(r, r.pick(['ghs_', 'gho_', 'ghu_'])) },
  'gitlab-pat': { w: 2, names: ['gitlab_token', 'ci_job_token_override', 'gitlab_private_token'], gen: (r) => `glpat-${r.str(B62 + '-_', 20)}` },
  'slack-bot-token': { w: 2, names: ['slack_bot_token', 'slack_token'], gen: (r) => `xox${r.pick(['b', 'b', 'p'])}-${r.str(DIGITS, r.int(10, 13))}-${r.str(DIGITS, r.int(10, 13))}-${r.str(B62, 24)}` },
  'slack-webhook': { w: 2, names: ['slack_webhook_url', 'alerts_webhook', 'webhook_url'], gen: (r) => `https://hooks.slack.com/services/T${r.str(UPPER + DIGITS, r.int(8, 10))}/B${r.str(UPPER + DIGITS, r.int(8, 10))}/${r.str(B62, 24)}` },
  'stripe-live-key': { w: 2, names: ['stripe_secret_key', 'stripe_api_key', 'stripe_key'], gen: (r) => `${r.pick(['sk', 'sk', 'rk'])}_live_${r.str(B62, r.pick([24, 99]))}` },
  'twilio-api-key': { w: 2, names: ['twilio_api_key'], pair: true },
  'sendgrid-api-key': { w: 2, names: ['sendgrid_api_key', 'smtp_password', 'mail_api_key'], gen: (r) => `SG.${r.str(B64URL, 22)}.${r.str(B64URL, 43)}` },
  'npm-token': { w: 2, names: ['npm_token', 'node_auth_token'], gen: (r) => checksummed(r, 'npm_') },
  'pypi-token': { w: 1, names: ['pypi_token', 'twine_password', 'pypi_api_token'], gen: (r) => `pypi-AgEIcHlwaS5vcmc${r.str(B64URL, r.int(130, 170))}` },
  'dockerhub-pat': { w: 1, names: ['docker_password', 'dockerhub_token', 'registry_password'], gen: (r) => `dckr_pat_${r.str(B64URL, 27)}` },
  'openai-api-key': {
    w: 2,
    names: ['openai_api_key', 'llm_api_key', 'openai_key'],
    gen: (r) => (r.chance(0.6) ? `sk-proj-${r.str(B64URL, 74)}T3BlbkFJ${r.str(B64URL, 74)}` : `sk-${r.str(B62, 20)}T3BlbkFJ${r.str(B62, 20)}`),
  },
  'private-key': { w: 3, multi: true },
  jwt: { w: 2, names: ['api_token', 'service_token', 'auth_token', 'bearer_token', 'access_token'], gen: (r) => jwt(r) },
  'db-url-with-password': {
    w: 3,
    names: ['database_url'],
    gen: (r) => {
      const scheme = r.pick(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'amqp']);
      const user = r.pick(['app', 'svc_orders', 'admin', 'billing_rw', 'root', 'reporting']);
      const db = scheme === 'redis' ? String(r.int(0, 15)) : r.pick(SERVICES);
      const u = scheme === 'redis' ? '' : user;
      r.lastName = r.pick({ postgres: ['database_url', 'db_url', 'pg_url'], postgresql: ['database_url', 'sqlalchemy_database_uri'], mysql: ['database_url', 'mysql_url'], 'mongodb+srv': ['mongo_uri', 'mongodb_url'], redis: ['redis_url', 'cache_url'], amqp: ['amqp_url', 'rabbitmq_url'] }[scheme]);
      return `${scheme}://${u}:${encodeURIComponent(password(r))}@${r.pick(HOSTS)}${scheme.startsWith('mongodb') ? '' : `:${{ postgres: 5432, postgresql: 5432, mysql: 3306, redis: 6379, amqp: 5672 }[scheme]}`}/${db}`;
    },
  },
  'url-basic-auth': {
    w: 1,
    names: ['pip_extra_index_url', 'registry_url', 'git_remote', 'artifactory_url'],
    gen: (r) => `https://${r.pick(['deploy', 'ci-bot', 'jenkins', r.pick(WORDS)])}:${password(r)}@${r.pick(['artifactory', 'nexus', 'pypi', 'git'])}.${r.pick(ORGS)}.com/${r.pick(['api/pypi/simple', 'repository/npm-private/', 'org/repo.git', 'artifactory/libs-release'])}`,
  },
  'generic-secret': {
    w: 6,
    names: ['password', 'db_password', 'api_key', 'apikey', 'secret_key', 'client_secret', 'app_secret', 'auth_token', 'access_token', 'jwt_secret', 'session_secret', 'encryption_key', 'admin_password', 'smtp_password', 'redis_password', 'postgres_password', 'webhook_secret', 'signing_key', 'private_token', 'mysql_root_password'],
    gen: password,
  },
  'password-low-entropy': { w: 1, names: ['password', 'db_password', 'admin_password', 'mysql_password', 'ldap_bind_password', 'smtp_password'], gen: humanPassword },
};
const TYPE_IDS = Object.keys(TYPES);

// Documented example values (public, from provider docs), assembled so this file holds no literal.
const DOC = {
  awsId: 'AKIA' + 'IOSFODNN7' + 'EXAMPLE',
  awsSk: ['wJalrXUtnF', 'EMI/K7MDENG', '/bPxRfiCY', 'EXAMPLEKEY'].join(''),
  stripeTest: 'sk_' + 'test_' + '4eC39HqLyjWDarjtT1zdp7dc',
  azurite: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq' + '/K1SZFPTOtr/KBHBeksoGMGw==',
  slack: 'xox' + 'b-not-a-real-token-this-will-not-work',
  jwtIo: () => {
    const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    const p = Buffer.from(JSON.stringify({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })).toString('base64url');
    return `${h}.${p}.${createHmac('sha256', 'your-256-bit-secret').update(`${h}.${p}`).digest('base64url')}`;
  },
};

// ---------------------------------------------------------------- file builder

class FileBuilder {
  constructor(path, kind) {
    this.path = path;
    this.kind = kind;
    this.lines = [];
  }
  get next() {
    return this.lines.length + 1;
  }
  /** Appends lines; an element with embedded newlines becomes several lines (keeps numbering right). */
  push(...lines) {
    for (const l of lines) {
      if (l.includes('\n')) for (const part of l.split('\n')) this.lines.push(part);
      else this.lines.push(l);
    }
    return this;
  }
}

/** Renders `name = value` the way each file type writes it. `raw` = value is an expression, not a string. */
function assign(ctx, name, value, { indent = '', raw = false, quote } = {}) {
  const q = (s) => (raw ? s : `"${s}"`);
  const sq = (s) => (raw ? s : `'${s}'`);
  switch (ctx) {
    case 'env':
      return `${upper(name)}=${raw || !quote ? value : `"${value}"`}`;
    case 'sh':
      return `${indent}export ${upper(name)}=${raw ? value : `"${value}"`}`;
    case 'docker':
      return `ENV ${upper(name)}=${raw || !quote ? value : `"${value}"`}`;
    case 'yaml':
    case 'k8s-stringdata':
    case 'k8s-configmap':
    case 'helm-values':
      return `${indent}${name}: ${raw || !quote ? value : `"${value}"`}`;
    case 'json':
      return `${indent}"${camel(name)}": ${raw ? value : JSON.stringify(value)},`;
    case 'ts':
      return quote === 'obj' ? `${indent}${camel(name)}: ${sq(value)},` : `${indent}const ${camel(name)} = ${sq(value)};`;
    case 'py':
      return quote === 'obj' ? `${indent}"${name.toLowerCase()}": ${q(value)},` : `${indent}${upper(name)} = ${q(value)}`;
    case 'go':
      return quote === 'obj' ? `${indent}${pascal(name)}: ${q(value)},` : `${indent}${camel(name)} := ${q(value)}`;
    case 'java':
      return `${indent}private static final String ${upper(name)} = ${q(value)};`;
    case 'properties':
      return `${name.toLowerCase().replaceAll('_', '.')}=${value}`;
    case 'tf':
      return `${indent}${name.toLowerCase()} = ${raw ? value : `"${value}"`}`;
    case 'ini':
      return `${name.toLowerCase()} = ${value}`;
    default:
      throw new Error(`no assign for ${ctx}`);
  }
}

// ---------------------------------------------------------------- planting

class Planter {
  constructor(rng) {
    this.rng = rng;
    this.labels = [];
    this.negatives = [];
    this.typeCounts = Object.fromEntries(TYPE_IDS.map((t) => [t, 0]));
  }
  /**
   * A planted secret at (path, line). `accept` = [from, to] for multi-line credentials (PEM blocks,
   * service-account JSON objects): a finding on any line of that range counts for this label.
   */
  label(fb, line, type, context, accept) {
    this.labels.push({ path: fb.path, line, type, context, ...(accept ? { accept } : {}) });
  }
  neg(fb, line, kind) {
    this.negatives.push({ path: fb.path, line, kind });
  }
  /** The least-planted type among those allowed, ties broken at random: keeps per-type counts even. */
  chooseType(allowed) {
    let best = [];
    let min = Infinity;
    for (const t of allowed) {
      const c = this.typeCounts[t] / TYPES[t].w;
      if (c < min - 1e-9) {
        min = c;
        best = [t];
      } else if (Math.abs(c - min) < 1e-9) best.push(t);
    }
    return this.rng.pick(best);
  }

  /** Plants one real secret in `ctx` at the end of fb. */
  positive(fb, ctx, opts = {}) {
    const r = this.rng;
    const multiOk = ['env', 'yaml', 'helm-values', 'k8s-stringdata', 'ts', 'py', 'json', 'tf', 'sh', 'go'].includes(ctx);
    const allowed = TYPE_IDS.filter((t) => (TYPES[t].multi ? multiOk : true));
    const type = opts.type ?? this.chooseType(allowed);
    this.typeCounts[type]++;
    const indent = opts.indent ?? '';
    const quote = 'quote' in opts ? opts.quote : r.pick([undefined, true]);
    const t = TYPES[type];
    const one = (name, value, ty = type) => {
      if (ctx === 'k8s-env') {
        fb.push(`${indent}- name: ${upper(name)}`);
        this.label(fb, fb.next, ty, ctx);
        fb.push(`${indent}  value: ${r.chance(0.5) ? `"${value}"` : value}`);
      } else if (ctx === 'k8s-data') {
        this.label(fb, fb.next, ty, ctx);
        fb.push(`${indent}${kebab(name)}: ${Buffer.from(value).toString('base64')}`);
      } else if (ctx === 'kustomize-literal') {
        this.label(fb, fb.next, ty, ctx);
        fb.push(`${indent}- ${kebab(name)}=${value}`);
      } else {
        this.label(fb, fb.next, ty, ctx);
        fb.push(assign(ctx === 'k8s-data' ? 'yaml' : ctx, name, value, { indent, quote }));
      }
    };
    if (type === 'aws-access-key') {
      const id = `${r.pick(['AKIA', 'AKIA', 'AKIA', 'ASIA'])}${r.str(B32, 16)}`;
      one(r.pick(['aws_access_key_id', 'aws_access_key', 'access_key_id']), id);
      one(r.pick(['aws_secret_access_key', 'aws_secret_key', 'secret_access_key']), r.str(B64, 40));
      return;
    }
    if (type === 'twilio-api-key') {
      if (r.chance(0.5)) {
        one('twilio_api_key', `SK${r.hex(32)}`);
        one('twilio_api_secret', r.str(B62, 32));
      } else {
        const sid = `AC${r.hex(32)}`;
        if (ctx === 'k8s-env') fb.push(`${indent}- name: TWILIO_ACCOUNT_SID`, `${indent}  value: ${sid}`);
        else if (ctx === 'k8s-data') fb.push(`${indent}twilio-account-sid: ${Buffer.from(sid).toString('base64')}`);
        else if (ctx === 'kustomize-literal') fb.push(`${indent}- twilio-account-sid=${sid}`);
        else fb.push(assign(ctx, 'twilio_account_sid', sid, { indent }));
        this.neg(fb, fb.next - 1, 'identifier-twilio-account-sid');
        one('twilio_auth_token', r.hex(32));
      }
      return;
    }
    if (type === 'private-key') return this.pem(fb, ctx, indent);
    if (type === 'gcp-service-account-key') return this.gcpInline(fb, ctx, indent);
    r.lastName = undefined;
    const value = t.gen(r);
    // A generator may name its value (a DB URL's variable follows its scheme).
    const name = r.chance(0.85) ? (r.lastName ?? r.pick(t.names)) : r.pick(['value', 'secret', 'credentials', 'key', 'token']);
    one(name, value);
  }

  pem(fb, ctx, indent) {
    const r = this.rng;
    const key = pemKey(r);
    const name = r.pick(['private_key', 'tls_key', 'ssh_private_key', 'signing_key', 'deploy_key', 'jwt_private_key']);
    if (['yaml', 'helm-values', 'k8s-stringdata'].includes(ctx)) {
      fb.push(`${indent}${ctx === 'k8s-stringdata' ? 'tls.key' : name}: |`);
      const begin = fb.next;
      fb.push(...key.map((l) => `${indent}  ${l}`));
      this.label(fb, begin, 'private-key', ctx, [begin, fb.next - 1]);
    } else if (ctx === 'ts' || ctx === 'go' || ctx === 'sh' || ctx === 'tf' || ctx === 'py') {
      const open = { ts: `${indent}const ${camel(name)} = \``, go: `${indent}${camel(name)} := \``, sh: `${indent}${upper(name)}="`, tf: `${indent}${name} = <<EOT`, py: `${indent}${upper(name)} = """` }[ctx];
      const close = { ts: '`;', go: '`', sh: '"', tf: 'EOT', py: '"""' }[ctx];
      if (ctx === 'tf') {
        fb.push(open);
        const begin = fb.next;
        fb.push(...key);
        this.label(fb, begin, 'private-key', ctx, [begin, fb.next - 1]);
      } else {
        const begin = fb.next;
        fb.push(`${open}${key[0]}`, ...key.slice(1));
        this.label(fb, begin, 'private-key', ctx, [begin, fb.next - 1]);
      }
      fb.push(close);
    } else {
      // env / json: the usual single-line form with escaped newlines.
      this.label(fb, fb.next, 'private-key', ctx);
      const v = key.join('\\n');
      fb.push(ctx === 'json' ? `${indent}"${camel(name)}": "${v}\\n",` : `${upper(name)}="${v}\\n"`);
    }
  }

  /** A service-account key file's content; labels the private_key line. */
  gcpJson(fb, indent = '', context = 'gcp-key-file') {
    const r = this.rng;
    const project = `${r.pick(ORGS)}-${r.pick(SERVICES)}-${r.int(100000, 999999)}`;
    const sa = `${r.pick(SERVICES)}-${r.pick(['sa', 'runner', 'deployer', 'ci'])}`;
    const key = pemKey(r, '');
    const open = fb.next;
    fb.push(`${indent}{`, `${indent}  "type": "service_account",`, `${indent}  "project_id": "${project}",`, `${indent}  "private_key_id": "${r.hex(40)}",`);
    this.neg(fb, fb.next - 1, 'identifier-gcp-private-key-id');
    const keyLine = fb.next;
    fb.push(`${indent}  "private_key": "${key.join('\\n')}\\n",`);
    fb.push(
      `${indent}  "client_email": "${sa}@${project}.iam.gserviceaccount.com",`,
      `${indent}  "client_id": "${r.str(DIGITS, 21)}",`,
      `${indent}  "auth_uri": "https://accounts.google.com/o/oauth2/auth",`,
      `${indent}  "token_uri": "https://oauth2.googleapis.com/token",`,
      `${indent}  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",`,
      `${indent}  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/${sa}%40${project}.iam.gserviceaccount.com",`,
      `${indent}  "universe_domain": "googleapis.com"`,
      `${indent}}`,
    );
    // The whole object is the credential; scanners report it on its first line or on private_key.
    this.label(fb, keyLine, 'gcp-service-account-key', context, [open, fb.next - 1]);
  }
  gcpInline(fb, ctx, indent) {
    if (['yaml', 'helm-values', 'k8s-stringdata'].includes(ctx)) {
      fb.push(`${indent}${this.rng.pick(['credentials.json', 'gcp_credentials', 'key.json'])}: |`);
      this.gcpJson(fb, `${indent}  `, ctx);
    } else if (ctx === 'ts' || ctx === 'py') {
      fb.push(ctx === 'ts' ? `${indent}const serviceAccount = ` : `${indent}SERVICE_ACCOUNT_INFO = `);
      this.gcpJson(fb, indent, ctx);
    } else if (ctx === 'tf') {
      fb.push(`${indent}credentials = <<EOF`);
      this.gcpJson(fb, '', ctx);
      fb.push('EOF');
    } else {
      // env/sh/json/go: the whole JSON on one line, the usual GOOGLE_CREDENTIALS form.
      const tmp = new FileBuilder(fb.path, fb.kind);
      const saved = this.labels.length;
      const savedNeg = this.negatives.length;
      this.gcpJson(tmp);
      this.labels.length = saved;
      this.negatives.length = savedNeg;
      const oneLine = tmp.lines.map((l) => l.trim()).join(' ');
      this.label(fb, fb.next, 'gcp-service-account-key', ctx);
      fb.push(ctx === 'json' ? `${indent}"gcpCredentials": ${JSON.stringify(oneLine)},` : ctx === 'go' ? `${indent}credsJSON := \`${oneLine}\`` : `${ctx === 'sh' ? 'export ' : ''}GOOGLE_CREDENTIALS='${oneLine}'`);
    }
  }

  /** Plants a realistic non-secret that naive scanners flag; recorded with its kind. */
  negative(fb, ctx, opts = {}) {
    const r = this.rng;
    const indent = opts.indent ?? '';
    const sname = r.pick(['password', 'db_password', 'api_key', 'secret_key', 'client_secret', 'auth_token', 'github_token', 'stripe_secret_key', 'aws_secret_access_key', 'slack_webhook_url', 'jwt_secret', 'sendgrid_api_key', 'openai_api_key', 'npm_token', 'database_url']);
    const actx = ['k8s-data', 'k8s-env', 'kustomize-literal'].includes(ctx) ? 'yaml' : ctx;
    const put = (kind, line) => {
      this.neg(fb, fb.next, kind);
      fb.push(line);
    };
    const kind = opts.kind ?? r.weighted([
      ['reference', 5],
      ['template', ['yaml', 'helm-values', 'k8s-stringdata', 'json', 'env'].includes(actx) ? 3 : 0],
      ['dummy-value', 5],
      ['documented-example', 2],
      ['hash-or-id', 7],
      ['secret-ish-name', 4],
      ['publishable-or-public-id', 2],
      ['unsigned-or-example-jwt', 1],
      ['local-default-credential', ['yaml', 'env', 'json', 'py', 'ts', 'properties'].includes(actx) ? 1 : 0],
    ]);
    switch (kind) {
      case 'reference': {
        const N = upper(sname);
        if (ctx === 'k8s-env') {
          fb.push(`${indent}- name: ${N}`);
          put('reference', `${indent}  valueFrom:`);
          fb.push(`${indent}    secretKeyRef:`, `${indent}      name: ${r.pick(SERVICES)}-secrets`, `${indent}      key: ${kebab(sname)}`);
          return;
        }
        const expr = {
          env: r.pick([`\${${N}}`, `$${N}`, `\${${N}:-}`]),
          sh: r.pick([`"$${N}"`, `"\${${N}:?missing ${N}}"`, `"$(vault kv get -field=${sname} secret/${r.pick(SERVICES)})"`, `"$(aws secretsmanager get-secret-value --secret-id ${r.pick(SERVICES)}/${sname} --query SecretString --output text)"`]),
          docker: `\${${N}}`,
          yaml: r.pick([`\${${N}}`, `\${${N}:?required}`, `"%env(${N})%"`]),
          'helm-values': '""',
          'k8s-stringdata': `\${${N}}`,
          json: `"\${${N}}"`,
          ts: r.pick([`process.env.${N}`, `process.env['${N}'] ?? ''`, `config.get<string>('${camel(sname)}')`, `await secrets.get('${kebab(sname)}')`]),
          py: r.pick([`os.environ["${N}"]`, `os.getenv("${N}")`, `settings.${N}`, `env("${N}")`]),
          go: r.pick([`os.Getenv("${N}")`, `cfg.${pascal(sname)}`, `viper.GetString("${sname}")`]),
          java: r.pick([`System.getenv("${N}")`, `env.getProperty("${sname.replaceAll('_', '.')}")`]),
          properties: `\${${N}}`,
          tf: r.pick([`var.${sname}`, `data.aws_secretsmanager_secret_version.${r.pick(SERVICES)}.secret_string`, `random_password.${r.pick(SERVICES)}.result`]),
          ini: `%(${sname})s`,
        }[actx];
        put('reference', assign(actx, sname, expr, { indent, raw: true }));
        return;
      }
      case 'template': {
        const v = r.pick([`{{ .Values.${camel(r.pick(SERVICES))}.${camel(sname)} }}`, `{{ .Values.secrets.${camel(sname)} | b64enc | quote }}`, `\${{ secrets.${upper(sname)} }}`, `{{ vault_${sname} }}`, `{{ required "set ${camel(sname)}" .Values.${camel(sname)} }}`]);
        put('template', assign(actx, sname, actx === 'json' || actx === 'env' ? v : `"${v}"`, { indent, raw: true }));
        return;
      }
      case 'dummy-value': {
        const v = r.pick(['changeme', 'CHANGEME', 'change-me', '<your-api-key>', 'your-token-here', 'xxxxxxxxxxxxxxxxxxxx', 'REPLACE_ME', '********', '', 'dummy', 'test', 'password', 'secret', 'TODO', 'example', 'not-a-real-secret', 'REDACTED', '<redacted>', 'sk_live_' + 'x'.repeat(24), 'ghp_' + 'x'.repeat(36), 'foobar', 'supersecret', 'mysecretpassword', 'insert-key-here', '...']);
        put('dummy-value', assign(actx, sname, v, { indent, quote: opts.quote ?? true }));
        return;
      }
      case 'documented-example': {
        const which = r.pick(['aws', 'stripe', 'azurite', 'slack', 'jwtio']);
        if (which === 'aws') {
          put('documented-example', assign(actx, 'aws_access_key_id', DOC.awsId, { indent, quote: true }));
          put('documented-example', assign(actx, 'aws_secret_access_key', DOC.awsSk, { indent, quote: true }));
        } else if (which === 'stripe') put('documented-example', assign(actx, 'stripe_secret_key', DOC.stripeTest, { indent, quote: true }));
        else if (which === 'azurite') put('documented-example', assign(actx, 'azure_storage_connection_string', `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DOC.azurite};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;`, { indent, quote: true }));
        else if (which === 'slack') put('documented-example', assign(actx, 'slack_bot_token', DOC.slack, { indent, quote: true }));
        else put('documented-example', assign(actx, 'example_token', DOC.jwtIo(), { indent, quote: true }));
        return;
      }
      case 'hash-or-id': {
        const [n, v] = r.pick([
          ['commit_sha', r.hex(40)],
          ['git_revision', r.hex(40)],
          ['image_digest', `sha256:${r.hex(64)}`],
          ['checksum', r.hex(64)],
          ['sha256', r.hex(64)],
          ['integrity', `sha512-${r.b64(64)}`],
          ['etag', r.hex(32)],
          ['request_id', r.uuid()],
          ['tenant_id', r.uuid()],
          ['subscription_id', r.uuid()],
          ['correlation_id', r.uuid()],
          ['trace_id', r.hex(32)],
          ['object_id', r.hex(24)],
          ['fixture_id', r.str(B64URL, 21)],
          ['customer_id', `cus_${r.str(B62, 14)}`],
          ['payment_intent_id', `pi_${r.str(B62, 24)}`],
          ['build_id', `${r.int(1000, 9999)}-${r.hex(12)}`],
          ['cache_key', `${r.pick(['node', 'deps', 'pip'])}-${r.hex(64)}`],
          ['content_hash', r.b64(32)],
          ['idempotency_key', r.uuid()],
          ['session_id_example', r.hex(32)],
          ['dedupe_key', r.str(B62, 32)],
          ['nonce_hash', r.b64url(24)],
        ]);
        put('hash-or-id', assign(actx, n, v, { indent, quote: true }));
        return;
      }
      case 'secret-ish-name': {
        const [n, v] = r.pick([
          ['password_min_length', '12'],
          ['token_ttl_seconds', '3600'],
          ['secret_name', `${r.pick(SERVICES)}-db-credentials`],
          ['api_key_header', 'X-API-Key'],
          ['password_field', 'password'],
          ['token_url', `https://auth.${r.pick(ORGS)}.com/oauth/token`],
          ['private_key_path', '/etc/ssl/private/server.key'],
          ['auth_method', 'token'],
          ['existing_secret', `${r.pick(SERVICES)}-secrets`],
          ['secret_key_ref', `${r.pick(SERVICES)}-api-keys`],
          ['token_endpoint', `https://login.${r.pick(ORGS)}.com/oauth2/v2.0/token`],
          ['password_reset_path', '/account/password/reset'],
          ['key_vault_name', `kv-${r.pick(ORGS)}-${r.pick(['prod', 'stg'])}`],
          ['secrets_manager_arn', `arn:aws:secretsmanager:eu-west-1:${r.str(DIGITS, 12)}:secret:${r.pick(SERVICES)}/db-${r.str(B62, 6)}`],
          ['kms_key_id', `arn:aws:kms:eu-west-1:${r.str(DIGITS, 12)}:key/${r.uuid()}`],
          ['public_key_id', r.hex(16)],
          ['token_type', 'Bearer'],
          ['secret_version', String(r.int(1, 40))],
        ]);
        put('secret-ish-name', assign(actx, n, v, { indent, quote: true }));
        return;
      }
      case 'publishable-or-public-id': {
        const [n, v] = r.pick([
          ['stripe_publishable_key', `pk_live_${r.str(B62, 99)}`],
          ['github_client_id', `Iv1.${r.hex(16)}`],
          ['oauth_client_id', `${r.str(DIGITS, 12)}-${r.str(LOWER + DIGITS, 32)}.apps.googleusercontent.com`],
          ['azure_client_id', r.uuid()],
          ['twilio_account_sid', `AC${r.hex(32)}`],
          ['sentry_environment', 'production'],
          ['ga_measurement_id', `G-${r.str(UPPER + DIGITS, 10)}`],
          ['algolia_app_id', r.str(UPPER + DIGITS, 10)],
          ['recaptcha_site_key', `6L${r.str(B64URL, 38)}`],
        ]);
        put('publishable-or-public-id', assign(actx, n, v, { indent, quote: true }));
        return;
      }
      case 'unsigned-or-example-jwt': {
        const h = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        const p = Buffer.from(JSON.stringify({ sub: 'test-user', role: r.pick(['admin', 'viewer']), iat: 1516239022 })).toString('base64url');
        put('unsigned-or-example-jwt', assign(actx, r.pick(['test_token', 'fake_jwt', 'unsigned_token']), `${h}.${p}.`, { indent, quote: true }));
        return;
      }
      case 'local-default-credential': {
        const v = r.pick(['postgres://postgres:postgres@localhost:5432/app_test', 'mysql://root:root@127.0.0.1:3306/test', 'redis://localhost:6379/0', 'mongodb://localhost:27017/test', 'postgresql://test:test@localhost/test_db', 'amqp://guest:guest@localhost:5672/']);
        put('local-default-credential', assign(actx, 'test_database_url', v, { indent, quote: true }));
        return;
      }
      default:
        throw new Error(kind);
    }
  }
}

// ---------------------------------------------------------------- filler content per language

function ident(r) {
  return `${r.pick(VERBS)}${cap(r.pick(WORDS))}${r.chance(0.4) ? cap(r.pick(WORDS)) : ''}`;
}

/** Calls `slot()` at some statement positions; the caller decides positive/negative/nothing. */
function tsFile(r, fb, slot, { test = false } = {}) {
  const A = cap(r.pick(WORDS));
  const B = cap(r.pick(WORDS));
  fb.push(`import { ${A}Repository } from './${kebab(A)}.repository.js';`, `import type { ${B}Dto, ${A}Options } from '@${r.pick(ORGS)}/${r.pick(WORDS)}-contracts';`, `import { Logger } from '@nestjs/common';`);
  if (r.chance(0.3)) fb.push(`import { createHash } from 'node:crypto';`);
  fb.push('');
  slot('ts', { quote: undefined });
  if (test) {
    fb.push(`describe('${A}Service', () => {`);
    const n = r.int(3, 12);
    for (let i = 0; i < n; i++) {
      fb.push(`  it('${r.pick(VERBS)}s the ${r.pick(WORDS)} when the ${r.pick(WORDS)} is ${r.pick(['missing', 'expired', 'valid', 'archived', 'locked'])}', async () => {`);
      fb.push(`    const fixture = {`, `      id: '${r.uuid()}',`, `      ${r.pick(WORDS)}Id: '${r.str(B64URL, 21)}',`, `      createdAt: '2024-0${r.int(1, 9)}-1${r.int(0, 9)}T0${r.int(0, 9)}:00:00.000Z',`);
      slot('ts', { indent: '      ', quote: 'obj' });
      fb.push(`    };`, `    const sut = new ${A}Service(repo, new Logger('test'));`, `    await expect(sut.${ident(r)}(fixture)).resolves.toEqual(expect.objectContaining({ id: fixture.id }));`, `  });`, '');
    }
    fb.push('});');
    return;
  }
  fb.push(`export interface ${A}${B}Options {`);
  for (let i = r.int(2, 6); i > 0; i--) fb.push(`  /** ${cap(r.pick(WORDS))} ${r.pick(WORDS)} used by the ${r.pick(WORDS)} ${r.pick(WORDS)}. */`, `  ${r.pick(WORDS)}${cap(r.pick(WORDS))}${r.chance(0.3) ? '?' : ''}: ${r.pick(['string', 'number', 'boolean', `${B}Dto[]`, 'Date', 'Record<string, string>'])};`);
  fb.push('}', '', `const DEFAULTS = {`);
  for (let i = r.int(2, 5); i > 0; i--) fb.push(`  ${r.pick(WORDS)}${cap(r.pick(WORDS))}: ${r.pick([String(r.int(1, 5000)), `'${r.pick(WORDS)}'`, 'true', 'false'])},`);
  slot('ts', { indent: '  ', quote: 'obj' });
  fb.push('} as const;', '', `export class ${A}Service {`, `  private readonly logger = new Logger(${A}Service.name);`, `  private readonly cache = new Map<string, ${B}Dto>();`, '', `  constructor(private readonly repo: ${A}Repository, private readonly options: ${A}Options) {}`);
  for (let m = r.int(2, 9); m > 0; m--) {
    const fn = ident(r);
    fb.push('', `  async ${fn}(${r.pick(WORDS)}Id: string, limit = ${r.int(10, 500)}): Promise<${B}Dto[]> {`);
    for (let s = r.int(3, 10); s > 0; s--) {
      fb.push(
        r.pick([
          `    const ${r.pick(WORDS)} = await this.repo.${ident(r)}({ where: { ${r.pick(WORDS)}Id }, take: limit });`,
          `    if (!${r.pick(WORDS)}) throw new NotFoundException(\`${r.pick(WORDS)} \${${r.pick(WORDS)}Id} not found\`);`,
          `    this.logger.debug(\`${fn}: \${limit} ${r.pick(WORDS)}s for \${${r.pick(WORDS)}Id}\`);`,
          `    const key = \`${r.pick(WORDS)}:\${${r.pick(WORDS)}Id}\`;`,
          `    for (const item of items) this.cache.set(item.id, item);`,
          `    const total = rows.reduce((n, row) => n + row.${r.pick(WORDS)}Count, 0);`,
          `    // ${cap(r.pick(VERBS))} before ${r.pick(VERBS)}ing: the ${r.pick(WORDS)} may have changed since the last ${r.pick(WORDS)}.`,
          `    const result = items.filter((x) => x.${r.pick(WORDS)} !== undefined).map((x) => ({ ...x, ${r.pick(WORDS)}: DEFAULTS.${r.pick(WORDS)} }));`,
        ]),
      );
      if (r.chance(0.08)) slot('ts', { indent: '    ', quote: undefined });
    }
    fb.push('    return result;', '  }');
  }
  fb.push('}');
}

function pyFile(r, fb, slot, { test = false } = {}) {
  const A = cap(r.pick(WORDS));
  fb.push(`"""${cap(r.pick(WORDS))} ${r.pick(WORDS)} ${r.pick(['helpers', 'service', 'tasks', 'views', 'models'])}."""`, 'from __future__ import annotations', '', 'import logging', 'import os', `from dataclasses import dataclass`, `from typing import Any, Iterable`, '', `from ${r.pick(WORDS)}.${r.pick(WORDS)} import ${A}Client`, '', 'logger = logging.getLogger(__name__)', '');
  slot('py', {});
  if (test) {
    for (let i = r.int(3, 10); i > 0; i--) {
      fb.push('', '', `def test_${r.pick(VERBS)}_${r.pick(WORDS)}_${r.pick(['ok', 'missing', 'expired', 'invalid'])}(client, db):`, `    payload = {`, `        "id": "${r.uuid()}",`, `        "${r.pick(WORDS)}_id": "${r.hex(24)}",`);
      slot('py', { indent: '        ', quote: 'obj' });
      fb.push('    }', `    resp = client.post("/api/v1/${r.pick(WORDS)}s", json=payload)`, `    assert resp.status_code == ${r.pick([200, 201, 400, 404])}`);
    }
    return;
  }
  fb.push('', '@dataclass', `class ${A}Config:`);
  for (let i = r.int(2, 6); i > 0; i--) fb.push(`    ${r.pick(WORDS)}_${r.pick(WORDS)}: ${r.pick(['str', 'int', 'bool', 'float'])} = ${r.pick(['""', String(r.int(0, 100)), 'False', '0.5'])}`);
  for (let m = r.int(2, 8); m > 0; m--) {
    fb.push('', '', `def ${r.pick(VERBS)}_${r.pick(WORDS)}s(${r.pick(WORDS)}_id: str, limit: int = ${r.int(10, 200)}) -> list[dict[str, Any]]:`, `    """${cap(r.pick(VERBS))} the ${r.pick(WORDS)}s of a ${r.pick(WORDS)}."""`);
    for (let s = r.int(3, 9); s > 0; s--) {
      fb.push(
        r.pick([
          `    rows = ${A}Client().${r.pick(VERBS)}(${r.pick(WORDS)}_id=${r.pick(WORDS)}_id, limit=limit)`,
          `    logger.info("${r.pick(VERBS)} %s ${r.pick(WORDS)}s", len(rows))`,
          `    result = [r for r in rows if r.get("${r.pick(WORDS)}") is not None]`,
          `    if not rows:\n        return []`,
          `    # ${cap(r.pick(WORDS))} ${r.pick(WORDS)}s are ${r.pick(VERBS)}ed lazily; see the ${r.pick(WORDS)} job.`,
          `    total = sum(r["${r.pick(WORDS)}_count"] for r in rows)`,
        ]),
      );
      if (r.chance(0.06)) slot('py', { indent: '    ' });
    }
    fb.push('    return result');
  }
}

function goFile(r, fb, slot, { test = false } = {}) {
  const A = cap(r.pick(WORDS));
  fb.push(`package ${r.pick(WORDS)}`, '', 'import (', '\t"context"', '\t"fmt"', '\t"os"', '\t"time"', '', `\t"github.com/${r.pick(ORGS)}/${r.pick(SERVICES)}/internal/${r.pick(WORDS)}"`, ')', '');
  if (test) {
    for (let i = r.int(2, 8); i > 0; i--) {
      fb.push(`func Test${A}${cap(r.pick(VERBS))}${cap(r.pick(WORDS))}(t *testing.T) {`, `\tfixture := ${A}{`, `\t\tID:        "${r.uuid()}",`, `\t\tRevision:  "${r.hex(40)}",`);
      slot('go', { indent: '\t\t', quote: 'obj' });
      fb.push('\t}', `\tgot, err := sut.${cap(ident(r))}(context.Background(), fixture)`, '\tif err != nil {', '\t\tt.Fatalf("unexpected error: %v", err)', '\t}', `\tif got.ID != fixture.ID {`, '\t\tt.Errorf("got %q, want %q", got.ID, fixture.ID)', '\t}', '}', '');
    }
    return;
  }
  fb.push(`// ${A}Service ${r.pick(VERBS)}s ${r.pick(WORDS)}s.`, `type ${A}Service struct {`);
  for (let i = r.int(2, 6); i > 0; i--) fb.push(`\t${cap(r.pick(WORDS))}${cap(r.pick(WORDS))} ${r.pick(['string', 'int', 'time.Duration', 'bool', '*' + r.pick(WORDS) + '.Client'])}`);
  fb.push('}', '');
  for (let m = r.int(2, 7); m > 0; m--) {
    fb.push(`func (s *${A}Service) ${cap(ident(r))}(ctx context.Context, id string) ([]${A}, error) {`);
    slot('go', { indent: '\t' });
    for (let k = r.int(3, 8); k > 0; k--) fb.push(r.pick([`\trows, err := s.store.${cap(ident(r))}(ctx, id)`, '\tif err != nil {\n\t\treturn nil, fmt.Errorf("query: %w", err)\n\t}', `\tctx, cancel := context.WithTimeout(ctx, ${r.int(1, 30)}*time.Second)\n\tdefer cancel()`, `\t// ${cap(r.pick(WORDS))} is ${r.pick(VERBS)}ed first so that retries see the same ${r.pick(WORDS)}.`, `\tout = append(out, ${A}{ID: row.ID, ${cap(r.pick(WORDS))}: row.${cap(r.pick(WORDS))}})`]));
    fb.push('\treturn out, nil', '}', '');
  }
}

function javaFile(r, fb, slot) {
  const A = cap(r.pick(WORDS));
  fb.push(`package com.${r.pick(ORGS)}.${r.pick(SERVICES)}.${r.pick(WORDS)};`, '', 'import java.util.List;', 'import java.util.Optional;', 'import org.springframework.stereotype.Service;', '', '@Service', `public class ${A}Service {`);
  slot('java', { indent: '    ' });
  fb.push(`    private final ${A}Repository repository;`, '', `    public ${A}Service(${A}Repository repository) {`, '        this.repository = repository;', '    }');
  for (let m = r.int(2, 8); m > 0; m--) {
    fb.push('', `    public List<${A}> ${ident(r)}(String ${r.pick(WORDS)}Id, int limit) {`);
    for (let k = r.int(2, 6); k > 0; k--) fb.push(r.pick([`        var rows = repository.findBy${cap(r.pick(WORDS))}Id(${r.pick(WORDS)}Id);`, `        if (rows.isEmpty()) { return List.of(); }`, `        log.debug("${r.pick(VERBS)} {} ${r.pick(WORDS)}s", rows.size());`, `        // ${cap(r.pick(WORDS))} ${r.pick(WORDS)}s are immutable once ${r.pick(VERBS)}ed.`]));
    fb.push('        return rows.stream().limit(limit).toList();', '    }');
  }
  fb.push('}');
}

function propertiesFile(r, fb, slot) {
  fb.push(`spring.application.name=${r.pick(SERVICES)}`, `server.port=${r.int(8000, 9000)}`, `spring.datasource.url=jdbc:postgresql://${r.pick(HOSTS)}:5432/${r.pick(SERVICES)}`, `spring.datasource.username=${r.pick(SERVICES)}`);
  for (let i = r.int(5, 20); i > 0; i--) {
    fb.push(`${r.pick(['app', 'spring', 'management'])}.${r.pick(WORDS)}.${r.pick(WORDS)}=${r.pick([String(r.int(1, 1000)), 'true', r.pick(WORDS)])}`);
    if (r.chance(0.15)) slot('properties', {});
  }
}

function yamlConfig(r, fb, slot) {
  fb.push(`# ${cap(r.pick(SERVICES))} service configuration`, `service:`, `  name: ${r.pick(SERVICES)}`, `  port: ${r.int(3000, 9000)}`, `  logLevel: ${r.pick(['info', 'debug', 'warn'])}`);
  for (let sec = r.int(2, 6); sec > 0; sec--) {
    fb.push(`${r.pick(WORDS)}:`);
    for (let i = r.int(2, 8); i > 0; i--) {
      fb.push(`  ${r.pick(WORDS)}${cap(r.pick(WORDS))}: ${r.pick([String(r.int(1, 100)), r.pick(WORDS), 'true', `"${r.pick(WORDS)}-${r.pick(WORDS)}"`, `https://${r.pick(WORDS)}.${r.pick(ORGS)}.com/${r.pick(WORDS)}`])}`);
      if (r.chance(0.12)) slot('yaml', { indent: '  ' });
    }
  }
}

function ciWorkflow(r, fb, slot) {
  fb.push(`name: ${r.pick(['ci', 'release', 'deploy', 'nightly'])}`, 'on:', '  push:', '    branches: [main]', '  pull_request:', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    env:');
  slot('yaml', { indent: '      ' });
  fb.push(`      NODE_VERSION: "${r.int(18, 22)}"`, `      NPM_TOKEN: \${{ secrets.NPM_TOKEN }}`, '    steps:', `      - uses: actions/checkout@${r.hex(40)} # v4`, `      - uses: actions/setup-node@${r.hex(40)} # v4`, '        with:', '          node-version: ${{ env.NODE_VERSION }}', `          cache: npm`, '      - run: npm ci', '      - run: npm test');
  fb.push('      - name: Publish', '        env:', '          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}', `          AWS_ROLE_ARN: arn:aws:iam::${r.str(DIGITS, 12)}:role/${r.pick(SERVICES)}-ci`);
  slot('yaml', { indent: '          ' });
  fb.push('        run: npm run release');
}

function dockerCompose(r, fb, slot) {
  fb.push('services:');
  for (let s = r.int(2, 5); s > 0; s--) {
    const svc = r.pick(SERVICES);
    fb.push(`  ${svc}:`, `    image: ${r.pick(ORGS)}/${svc}:${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 9)}`, `    ports:`, `      - "${r.int(3000, 9000)}:${r.int(3000, 9000)}"`, `    environment:`);
    fb.push(`      ${upper(r.pick(WORDS))}_${upper(r.pick(WORDS))}: "${r.pick(WORDS)}"`);
    slot('yaml', { indent: '      ' });
    if (r.chance(0.3)) slot('yaml', { indent: '      ' });
    fb.push('    depends_on:', `      - ${r.pick(['postgres', 'redis', 'kafka'])}`);
  }
}

function envFile(r, fb, slot) {
  fb.push(`# ${cap(r.pick(SERVICES))} environment`, `NODE_ENV=${r.pick(['production', 'development', 'staging'])}`, `PORT=${r.int(3000, 9000)}`, `LOG_LEVEL=${r.pick(['info', 'debug'])}`);
  for (let i = r.int(4, 14); i > 0; i--) {
    fb.push(`${upper(r.pick(WORDS))}_${upper(r.pick(WORDS))}=${r.pick([String(r.int(1, 1000)), r.pick(WORDS), 'true', `https://${r.pick(WORDS)}.${r.pick(ORGS)}.com`])}`);
    if (r.chance(0.35)) slot('env', {});
  }
}

function dockerfile(r, fb, slot) {
  fb.push(`FROM node:${r.int(18, 22)}-alpine@sha256:${r.hex(64)} AS build`, 'WORKDIR /app', 'COPY package*.json ./', 'RUN npm ci --omit=dev', 'COPY . .', 'RUN npm run build', '');
  fb.push(`FROM gcr.io/distroless/nodejs${r.int(18, 22)}-debian12`, 'WORKDIR /app', 'COPY --from=build /app/dist ./dist', `ENV NODE_ENV=production`);
  slot('docker', {});
  fb.push(`EXPOSE ${r.int(3000, 9000)}`, 'CMD ["dist/main.js"]');
}

function shellScript(r, fb, slot) {
  fb.push('#!/usr/bin/env bash', 'set -euo pipefail', '', `SERVICE="${r.pick(SERVICES)}"`, `REGION="\${AWS_REGION:-eu-west-1}"`);
  slot('sh', {});
  for (let i = r.int(4, 14); i > 0; i--) {
    fb.push(r.pick([`echo "deploying \${SERVICE} to \${REGION}"`, `kubectl -n "\${SERVICE}" rollout status deploy/"\${SERVICE}" --timeout=300s`, `aws s3 cp "build/\${SERVICE}.tar.gz" "s3://${r.pick(ORGS)}-artifacts/\${SERVICE}/$(git rev-parse HEAD).tar.gz"`, `docker build -t "${r.pick(ORGS)}/\${SERVICE}:$(git rev-parse --short HEAD)" .`, `if [[ -z "\${CI:-}" ]]; then\n  echo "not in CI" >&2\nfi`, `helm upgrade --install "\${SERVICE}" charts/"\${SERVICE}" -f values-${r.pick(['prod', 'staging'])}.yaml`]));
    if (r.chance(0.12)) slot('sh', {});
  }
  if (r.chance(0.3)) fb.push(`curl -fsS -H "Authorization: Bearer \${API_TOKEN}" https://api.${r.pick(ORGS)}.com/v1/${r.pick(WORDS)}s`);
}

function terraformFile(r, fb, slot) {
  const svc = r.pick(SERVICES);
  fb.push(`resource "aws_db_instance" "${svc}" {`, `  identifier        = "${svc}-${r.pick(['prod', 'staging'])}"`, `  engine            = "postgres"`, `  engine_version    = "${r.int(13, 16)}.${r.int(1, 9)}"`, `  instance_class    = "db.${r.pick(['t3', 'm6g', 'r6g'])}.${r.pick(['large', 'xlarge'])}"`, `  username          = "${svc}_admin"`);
  slot('tf', { indent: '  ' });
  fb.push('}', '', `variable "${svc}_replicas" {`, '  type    = number', `  default = ${r.int(1, 6)}`, '}', '');
  fb.push(`resource "aws_s3_bucket" "${svc}_assets" {`, `  bucket = "${r.pick(ORGS)}-${svc}-assets-${r.hex(6)}"`, '  tags = {', `    Team = "${r.pick(WORDS)}"`, '  }', '}', '');
  if (r.chance(0.5)) {
    fb.push(`provider "aws" {`, `  region = "eu-west-1"`);
    slot('tf', { indent: '  ' });
    fb.push('}');
  }
}

function markdownDoc(r, fb, slot) {
  fb.push(`# ${cap(r.pick(SERVICES))} ${r.pick(['runbook', 'setup', 'architecture', 'onboarding'])}`, '');
  for (let p = r.int(3, 10); p > 0; p--) {
    fb.push(`## ${cap(r.pick(VERBS))} the ${r.pick(WORDS)}`, '', `The ${r.pick(WORDS)} ${r.pick(WORDS)} ${r.pick(VERBS)}s every ${r.pick(WORDS)} before the ${r.pick(WORDS)} is ${r.pick(VERBS)}ed. See the ${r.pick(WORDS)} dashboard for ${r.pick(WORDS)} ${r.pick(WORDS)}s and the on-call ${r.pick(WORDS)}.`, '');
    if (r.chance(0.5)) {
      fb.push('```sh');
      slot(r.pick(['env', 'sh']), {});
      fb.push(`npm run ${r.pick(VERBS)}:${r.pick(WORDS)}`, '```', '');
    }
    if (r.chance(0.15)) fb.push(`![${r.pick(WORDS)}](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAA${r.b64(r.int(200, 1200))})`, '');
  }
}

function k8sDeployment(r, fb, slot, svc) {
  fb.push('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${svc}`, `  labels:`, `    app.kubernetes.io/name: ${svc}`, 'spec:', `  replicas: ${r.int(1, 6)}`, '  selector:', '    matchLabels:', `      app.kubernetes.io/name: ${svc}`, '  template:', '    metadata:', '      annotations:', `        checksum/config: ${r.hex(64)}`, '    spec:', '      containers:', `        - name: ${svc}`, `          image: ghcr.io/${r.pick(ORGS)}/${svc}@sha256:${r.hex(64)}`, '          env:', `            - name: LOG_LEVEL`, `              value: info`);
  for (let i = r.int(1, 4); i > 0; i--) slot('k8s-env', { indent: '            ' });
  fb.push('          envFrom:', '            - configMapRef:', `                name: ${svc}-config`, '          resources:', '            limits:', `              memory: ${r.pick(['256Mi', '512Mi', '1Gi'])}`);
}

function k8sSecret(r, fb, p, svc) {
  const useData = r.chance(0.55);
  const tls = useData && r.chance(0.15);
  fb.push('apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${svc}-${tls ? 'tls' : 'credentials'}`, `  namespace: ${svc}`, `type: ${tls ? 'kubernetes.io/tls' : 'Opaque'}`, useData ? 'data:' : 'stringData:');
  if (tls) {
    const cert = [`-----BEGIN CERTIFICATE-----`, ...pemBody(r, 'RSA'), '-----END CERTIFICATE-----'].join('\n');
    p.neg(fb, fb.next, 'certificate');
    fb.push(`  tls.crt: ${Buffer.from(cert).toString('base64')}`);
    p.label(fb, fb.next, 'private-key', 'k8s-data');
    p.typeCounts['private-key']++;
    fb.push(`  tls.key: ${Buffer.from(pemKey(r, 'RSA').join('\n')).toString('base64')}`);
    return;
  }
  const plain = (k, v) => (useData ? Buffer.from(v).toString('base64') : v);
  fb.push(`  username: ${plain('username', `${svc}_app`)}`);
  if (r.chance(0.5)) fb.push(`  host: ${plain('host', r.pick(HOSTS))}`);
  if (r.chance(0.5)) fb.push(`  database: ${plain('database', svc)}`, `  port: ${plain('port', '5432')}`);
  for (let i = r.int(1, 2); i > 0; i--) {
    if (useData || r.chance(0.85)) p.positive(fb, useData ? 'k8s-data' : 'k8s-stringdata', { indent: '  ', quote: false });
    else p.negative(fb, 'k8s-stringdata', { indent: '  ', kind: r.pick(['dummy-value', 'reference']) });
  }
}

function sealedSecret(r, fb, p, svc) {
  fb.push('apiVersion: bitnami.com/v1alpha1', 'kind: SealedSecret', 'metadata:', `  name: ${svc}-credentials`, `  namespace: ${svc}`, 'spec:', '  encryptedData:');
  for (const k of ['password', 'api-key', r.pick(['jwt-secret', 'stripe-key', 'db-url'])]) {
    p.neg(fb, fb.next, 'sealed-secret-ciphertext');
    fb.push(`    ${k}: Ag${r.str(B64, r.int(600, 720))}`);
  }
  fb.push('  template:', '    metadata:', `      name: ${svc}-credentials`, '    type: Opaque');
}

function externalSecret(r, fb, p, svc) {
  fb.push('apiVersion: external-secrets.io/v1beta1', 'kind: ExternalSecret', 'metadata:', `  name: ${svc}`, 'spec:', '  refreshInterval: 1h', '  secretStoreRef:', '    kind: ClusterSecretStore', `    name: ${r.pick(['aws-secrets-manager', 'vault-backend', 'gcp-sm'])}`, '  target:', `    name: ${svc}-credentials`, '  data:');
  for (const k of ['password', 'api-key']) {
    fb.push(`    - secretKey: ${k}`, '      remoteRef:');
    p.neg(fb, fb.next, 'external-secret-reference');
    fb.push(`        key: ${r.pick(['prod', 'staging'])}/${svc}/${k}`, '        property: value');
  }
}

function sopsFile(r, fb, p, svc) {
  fb.push('apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${svc}-credentials`, 'type: Opaque', 'stringData:');
  for (const k of ['password', 'api_key', 'database_url']) {
    p.neg(fb, fb.next, 'sops-ciphertext');
    fb.push(`  ${k}: ENC[AES256_GCM,data:${r.b64(r.int(16, 90))},iv:${r.b64(32)},tag:${r.b64(16)},type:str]`);
  }
  fb.push('sops:', '  kms: []', '  age:', `    - recipient: age1${r.str('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}`, '      enc: |');
  p.neg(fb, fb.next, 'sops-ciphertext');
  fb.push('        -----BEGIN AGE ENCRYPTED FILE-----');
  for (let i = 0; i < 5; i++) fb.push(`        ${r.b64(48)}`);
  fb.push('        -----END AGE ENCRYPTED FILE-----', `  lastmodified: "2024-0${r.int(1, 9)}-1${r.int(0, 9)}T10:00:00Z"`);
  p.neg(fb, fb.next, 'sops-ciphertext');
  fb.push(`  mac: ENC[AES256_GCM,data:${r.b64(64)},iv:${r.b64(32)},tag:${r.b64(16)},type:str]`, '  unencrypted_suffix: _unencrypted', '  version: 3.8.1');
}

function helmTemplate(r, fb, p, svc) {
  fb.push('apiVersion: v1', 'kind: Secret', 'metadata:', `  name: {{ include "${svc}.fullname" . }}`, '  labels:', `    {{- include "${svc}.labels" . | nindent 4 }}`, 'type: Opaque', 'data:');
  for (const k of ['password', 'api-key', 'jwt-secret']) {
    p.neg(fb, fb.next, 'template');
    fb.push(`  ${k}: {{ .Values.secrets.${camel(k.replaceAll('-', '_'))} | b64enc | quote }}`);
  }
  if (r.chance(0.4)) {
    p.neg(fb, fb.next, 'template');
    fb.push(`  redis-password: {{ randAlphaNum 32 | b64enc | quote }}`);
  }
}

function helmValues(r, fb, slot, svc) {
  fb.push(`replicaCount: ${r.int(1, 5)}`, 'image:', `  repository: ghcr.io/${r.pick(ORGS)}/${svc}`, `  tag: "${r.int(1, 3)}.${r.int(0, 40)}.${r.int(0, 9)}"`, 'secrets:');
  slot('helm-values', { indent: '  ' });
  slot('helm-values', { indent: '  ' });
  fb.push('resources:', '  requests:', '    cpu: 100m', '    memory: 128Mi', 'postgresql:', '  auth:', `    existingSecret: ${svc}-postgres`);
  slot('helm-values', { indent: '    ' });
}

function kustomization(r, fb, p, svc) {
  fb.push('apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', `namespace: ${svc}`, 'resources:', '  - deployment.yaml', '  - service.yaml', 'secretGenerator:', `  - name: ${svc}-env`);
  if (r.chance(0.5)) {
    fb.push('    envs:');
    p.neg(fb, fb.next, 'file-reference');
    fb.push('      - secrets.env');
  } else {
    fb.push('    literals:');
    p.positive(fb, 'kustomize-literal', { indent: '      ' });
    fb.push(`      - LOG_LEVEL=info`);
  }
  fb.push('images:', `  - name: ${svc}`, `    newTag: ${r.hex(7)}`);
}

function configMap(r, fb, slot, svc) {
  fb.push('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${svc}-config`, 'data:', `  LOG_LEVEL: info`, `  FEATURE_FLAGS: "${r.pick(WORDS)},${r.pick(WORDS)}"`);
  slot('k8s-configmap', { indent: '  ', quote: true });
  fb.push(`  UPSTREAM_URL: http://${r.pick(SERVICES)}.${r.pick(SERVICES)}.svc.cluster.local:8080`);
}

function jsonConfig(r, fb, slot) {
  fb.push('{', `  "name": "${r.pick(SERVICES)}",`, `  "version": "${r.int(0, 5)}.${r.int(0, 30)}.${r.int(0, 9)}",`);
  for (let i = r.int(3, 12); i > 0; i--) {
    fb.push(`  "${r.pick(WORDS)}${cap(r.pick(WORDS))}": ${r.pick([String(r.int(0, 999)), `"${r.pick(WORDS)}"`, 'true', `"${r.uuid()}"`])},`);
    if (r.chance(0.3)) slot('json', { indent: '  ' });
  }
  fb.push(`  "updatedAt": "2024-0${r.int(1, 9)}-1${r.int(0, 9)}"`, '}');
}

function npmrc(r, fb, p) {
  fb.push(`@${r.pick(ORGS)}:registry=https://npm.pkg.github.com`, 'always-auth=true');
  if (r.chance(0.6)) {
    p.typeCounts['npm-token']++;
    p.label(fb, fb.next, 'npm-token', 'npmrc');
    fb.push(`//registry.npmjs.org/:_authToken=${checksummed(r, 'npm_')}`);
  } else {
    p.neg(fb, fb.next, 'reference');
    fb.push('//npm.pkg.github.com/:_authToken=${NPM_TOKEN}');
  }
}

function pypirc(r, fb, p) {
  fb.push('[distutils]', 'index-servers =', '    pypi', '', '[pypi]', 'username = __token__');
  p.typeCounts['pypi-token']++;
  p.label(fb, fb.next, 'pypi-token', 'pypirc');
  fb.push(`password = ${TYPES['pypi-token'].gen(r)}`);
}

function sshDir(r, fb, p) {
  // authorized_keys / known_hosts: public material only.
  for (let i = r.int(2, 8); i > 0; i--) {
    p.neg(fb, fb.next, 'public-key');
    fb.push(`ssh-${r.pick(['rsa', 'ed25519'])} AAAA${r.pick(['B3NzaC1yc2EAAAADAQABAAABAQ', 'C3NzaC1lZDI1NTE5AAAAI'])}${r.b64(r.pick([32, 256]))} ${r.pick(WORDS)}@${r.pick(ORGS)}.com`);
  }
}

function pemFile(r, fb, p) {
  const key = pemKey(r);
  p.typeCounts['private-key']++;
  p.label(fb, 1, 'private-key', 'key-file', [1, key.length]);
  fb.push(...key);
}

function certFile(r, fb, p) {
  p.neg(fb, 1, 'certificate');
  fb.push('-----BEGIN CERTIFICATE-----', ...pemBody(r, 'RSA'), '-----END CERTIFICATE-----');
  if (r.chance(0.4)) {
    p.neg(fb, fb.next, 'public-key');
    fb.push('-----BEGIN PUBLIC KEY-----', ...pemBody(r, 'EC'), '-----END PUBLIC KEY-----');
  }
}

function cssFile(r, fb) {
  fb.push(`@font-face {`, `  font-family: "${cap(r.pick(WORDS))} Sans";`, `  src: url(data:font/woff2;base64,d09GMgABAAAAA${r.b64(r.int(3000, 20000))}) format("woff2");`, '}');
  for (let i = r.int(10, 60); i > 0; i--) fb.push(`.${r.pick(WORDS)}-${r.pick(WORDS)} { ${r.pick(['margin', 'padding'])}: ${r.int(0, 32)}px; color: #${r.hex(6)}; }`);
  if (r.chance(0.5)) fb.push(`.icon-${r.pick(WORDS)} { background-image: url("data:image/svg+xml;base64,PHN2ZyB4bWxucz0i${r.b64(r.int(200, 900))}"); }`);
}

// ---------------------------------------------------------------- bulk / large files

function packageLock(r, fb, targetBytes) {
  fb.push('{', `  "name": "${r.pick(ORGS)}-${r.pick(SERVICES)}",`, '  "version": "1.0.0",', '  "lockfileVersion": 3,', '  "requires": true,', '  "packages": {');
  let bytes = 0;
  while (bytes < targetBytes) {
    const name = r.chance(0.3) ? `@${r.pick(WORDS)}/${r.pick(WORDS)}-${r.pick(WORDS)}` : `${r.pick(WORDS)}-${r.pick(WORDS)}${r.chance(0.3) ? `-${r.pick(WORDS)}` : ''}`;
    const ver = `${r.int(0, 12)}.${r.int(0, 40)}.${r.int(0, 20)}`;
    const block = [`    "node_modules/${name}": {`, `      "version": "${ver}",`, `      "resolved": "https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${ver}.tgz",`, `      "integrity": "sha512-${r.b64(64)}",`];
    if (r.chance(0.4)) block.push('      "dev": true,');
    if (r.chance(0.5)) {
      block.push('      "dependencies": {');
      for (let d = r.int(1, 4); d > 0; d--) block.push(`        "${r.pick(WORDS)}-${r.pick(WORDS)}": "^${r.int(0, 9)}.${r.int(0, 20)}.0"${d > 1 ? ',' : ''}`);
      block.push('      },');
    }
    block.push(`      "license": "${r.pick(['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause'])}"`, '    },');
    fb.push(...block);
    bytes += block.reduce((n, l) => n + l.length + 1, 0);
  }
  fb.lines[fb.lines.length - 1] = '    }';
  fb.push('  }', '}');
}

function goSum(r, fb, targetBytes) {
  let bytes = 0;
  while (bytes < targetBytes) {
    const mod = `github.com/${r.pick(WORDS)}/${r.pick(WORDS)}${r.chance(0.3) ? `/v${r.int(2, 5)}` : ''}`;
    const v = `v${r.int(0, 3)}.${r.int(0, 30)}.${r.int(0, 12)}`;
    const a = `${mod} ${v} h1:${r.b64(32)}`;
    const b = `${mod} ${v}/go.mod h1:${r.b64(32)}`;
    fb.push(a, b);
    bytes += a.length + b.length + 2;
  }
}

function poetryLock(r, fb, targetBytes) {
  let bytes = 0;
  while (bytes < targetBytes) {
    const name = `${r.pick(WORDS)}-${r.pick(WORDS)}`;
    const ver = `${r.int(0, 9)}.${r.int(0, 30)}.${r.int(0, 9)}`;
    const block = ['[[package]]', `name = "${name}"`, `version = "${ver}"`, `description = "${cap(r.pick(WORDS))} ${r.pick(WORDS)} for Python"`, 'optional = false', 'python-versions = ">=3.8"', 'files = [', `    {file = "${name.replace('-', '_')}-${ver}-py3-none-any.whl", hash = "sha256:${r.hex(64)}"},`, `    {file = "${name.replace('-', '_')}-${ver}.tar.gz", hash = "sha256:${r.hex(64)}"},`, ']', ''];
    fb.push(...block);
    bytes += block.reduce((n, l) => n + l.length + 1, 0);
  }
}

/** A production webpack-style bundle: long lines of minified modules, data URIs, chunk hashes. */
function minifiedBundle(r, fb, p, targetBytes) {
  let bytes = 0;
  const v = () => r.str(LOWER, r.int(1, 2));
  const plantAt = new Set([Math.floor(targetBytes * 0.37), Math.floor(targetBytes * 0.81)]);
  let planted = 0;
  fb.push(`/*! For license information please see main.${r.hex(8)}.js.LICENSE.txt */`);
  while (bytes < targetBytes) {
    const parts = [];
    let lineBytes = 0;
    const lineTarget = r.int(40_000, 250_000);
    let plantThisLine = false;
    for (const at of plantAt) if (at >= bytes && at < bytes + lineTarget && planted < plantAt.size) plantThisLine = true;
    if (plantThisLine) {
      planted++;
      const isStripe = planted === 1;
      parts.push(isStripe ? `var ${v()}={NODE_ENV:"production",PUBLIC_URL:"",REACT_APP_API_URL:"https://api.${r.pick(ORGS)}.com",REACT_APP_STRIPE_SECRET:"${TYPES['stripe-live-key'].gen(r)}"};` : `${v()}.post("${TYPES['slack-webhook'].gen(r)}",{text:${v()}});`);
      p.typeCounts[isStripe ? 'stripe-live-key' : 'slack-webhook']++;
      p.label(fb, fb.next, isStripe ? 'stripe-live-key' : 'slack-webhook', 'minified-bundle');
    }
    while (lineBytes < lineTarget) {
      const s = r.weighted([
        [() => `${r.int(1, 99999)}:function(${v()},${v()},${v()}){"use strict";${v()}.d(${v()},{${v()}:function(){return ${v()}}});var ${v()}=${v()}(${r.int(1, 9999)}),${v()}=${v()}.n(${v()});function ${v()}(${v()}){return ${v()}.${r.pick(WORDS)}(${v()},"${r.pick(WORDS)}")&&${v()}.length>${r.int(0, 64)}}}`, 20],
        [() => `const ${v()}="${r.pick(WORDS)}-${r.pick(WORDS)}",${v()}=[${Array.from({ length: r.int(2, 8) }, () => `"${r.pick(WORDS)}"`).join(',')}];`, 8],
        [() => `${v()}.p+"static/js/${r.int(1, 999)}.${r.hex(8)}.chunk.js"`, 4],
        [() => `url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${r.b64(r.int(300, 3000))})`, 1],
        [() => `"${r.pick(WORDS)}":{"integrity":"sha384-${r.b64(48)}"}`, 1],
        [() => `${v()}.exports=JSON.parse('{"${r.pick(WORDS)}":"${r.uuid()}","${r.pick(WORDS)}":"${r.hex(40)}"}')`, 2],
      ])();
      parts.push(s, r.chance(0.5) ? ',' : ';');
      lineBytes += s.length + 1;
    }
    const line = parts.join('');
    fb.push(line);
    bytes += line.length + 1;
  }
  fb.push(`//# sourceMappingURL=main.${r.hex(8)}.js.map`);
}

function appLog(r, fb, p, targetBytes) {
  let bytes = 0;
  const plants = [0.2, 0.55, 0.9].map((f) => Math.floor(targetBytes * f));
  let pi = 0;
  const ts = (i) => new Date(Date.UTC(2024, 5, 1) + i * 137).toISOString();
  let i = 0;
  while (bytes < targetBytes) {
    let line;
    if (pi < plants.length && bytes >= plants[pi]) {
      const which = pi++;
      const type = ['github-app-token', 'db-url-with-password', 'jwt'][which];
      p.typeCounts[type]++;
      p.label(fb, fb.next, type, 'log');
      line =
        which === 0
          ? `${ts(i)} INFO  git-sync cloning https://x-access-token:${TYPES['github-app-token'].gen(r)}@github.com/${r.pick(ORGS)}/${r.pick(SERVICES)}.git into /srv/repos`
          : which === 1
            ? `${ts(i)} DEBUG config loaded {"databaseUrl":"${TYPES['db-url-with-password'].gen(r)}","pool":10}`
            : `${ts(i)} WARN  upstream 401 request headers={"authorization":"Bearer ${jwt(r)}","x-request-id":"${r.uuid()}"}`;
    } else {
      line = r.weighted([
        [() => `${r.int(10, 250)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)} - - [${ts(i)}] "${r.pick(['GET', 'POST', 'PUT'])} /api/v1/${r.pick(WORDS)}s/${r.uuid()}?page=${r.int(1, 40)} HTTP/1.1" ${r.pick([200, 200, 200, 201, 204, 304, 404, 500])} ${r.int(100, 90000)} "-" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(100, 126)}.0.0.0 Safari/537.36"`, 6],
        [() => `${ts(i)} INFO  ${r.pick(SERVICES)} ${r.pick(VERBS)} ${r.pick(WORDS)} id=${r.uuid()} trace_id=${r.hex(32)} span_id=${r.hex(16)} duration_ms=${r.int(1, 4000)}`, 6],
        [() => `${ts(i)} DEBUG cache ${r.pick(['hit', 'miss'])} key=${r.pick(WORDS)}:${r.hex(40)} etag="${r.hex(32)}"`, 3],
        [() => `${ts(i)} ERROR ${r.pick(SERVICES)} failed to ${r.pick(VERBS)} ${r.pick(WORDS)}: timeout after ${r.int(1, 30)}s (attempt ${r.int(1, 5)}/5) request_id=${r.uuid()}`, 1],
      ])();
    }
    fb.push(line);
    bytes += line.length + 1;
    i++;
  }
}

function csvExport(r, fb, targetBytes) {
  fb.push('id,created_at,email_hash,country,plan,amount_cents,currency,stripe_customer,invoice_id,checksum');
  let bytes = 0;
  while (bytes < targetBytes) {
    const line = `${r.uuid()},2024-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}T${String(r.int(0, 23)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00Z,${r.hex(64)},${r.pick(['DE', 'FR', 'US', 'GB', 'NL', 'JP', 'BR'])},${r.pick(['free', 'team', 'business', 'enterprise'])},${r.int(0, 500000)},${r.pick(['EUR', 'USD', 'GBP'])},cus_${r.str(B62, 14)},in_${r.str(B62, 24)},${r.hex(32)}`;
    fb.push(line);
    bytes += line.length + 1;
  }
}

function bigJson(r, fb, targetBytes) {
  fb.push('[');
  let bytes = 0;
  while (bytes < targetBytes) {
    const o = {
      id: r.uuid(),
      type: `${r.pick(WORDS)}.${r.pick(VERBS)}d`,
      created: 1_700_000_000 + r.int(0, 30_000_000),
      actor: { id: r.hex(24), login: `${r.pick(WORDS)}${r.int(1, 999)}`, avatar_url: `https://avatars.githubusercontent.com/u/${r.int(1000, 99999999)}?v=4` },
      repo: { name: `${r.pick(ORGS)}/${r.pick(SERVICES)}`, head_sha: r.hex(40), before: r.hex(40) },
      payload: { ref: `refs/heads/${r.pick(['main', 'develop', `feature/${r.pick(WORDS)}`])}`, size: r.int(1, 20), distinct_size: r.int(1, 20), digest: `sha256:${r.hex(64)}`, node_id: `MDQ6${r.str(B64URL, 16)}` },
    };
    const line = `  ${JSON.stringify(o)},`;
    fb.push(line);
    bytes += line.length + 1;
  }
  fb.lines[fb.lines.length - 1] = fb.lines[fb.lines.length - 1].replace(/,$/, '');
  fb.push(']');
}

// ---------------------------------------------------------------- the corpus

/**
 * Generates the corpus into outDir (wiped first). Returns the labels object written to labels.json.
 * Sizes scale with sizeMb; at the default 40 MB: ~8 MB minified bundle, ~5 MB log, ~4 MB JSON,
 * ~2 MB CSV, ~3 MB lockfiles, the rest small/medium files.
 */
export function generateCorpus({ seed = 1, sizeMb = 40, outDir }) {
  const r = makeRng(seed);
  const p = new Planter(r);
  const target = Math.round(sizeMb * 1024 * 1024);
  const files = [];
  const add = (fb) => files.push(fb);
  // Probability that a slot receives a real secret / a notable negative. Calibrated so that the
  // default corpus has several hundred positives (a few dozen per MB of small/medium files).
  const P_POS = 0.025;
  const P_NEG = 0.2;
  const slotFor = (fb) => (ctx, opts) => {
    const x = r.next();
    if (x < P_POS) p.positive(fb, ctx, opts);
    else if (x < P_POS + P_NEG) p.negative(fb, ctx === 'k8s-configmap' ? 'yaml' : ctx, opts);
  };
  const bytesOf = (fb) => fb.lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);

  // Large files first (fixed shares of the total).
  const bundleBytes = Math.min(10, Math.max(sizeMb >= 25 ? 5 : 0, sizeMb * 0.2)) * 1024 * 1024;
  let fb = new FileBuilder(`apps/web/dist/static/js/main.${r.hex(8)}.js`, 'minified-bundle');
  minifiedBundle(r, fb, p, bundleBytes);
  add(fb);
  fb = new FileBuilder('var/log/app/gateway-2024-06-01.log', 'log');
  appLog(r, fb, p, target * 0.12);
  add(fb);
  fb = new FileBuilder(`data/fixtures/github-events-${r.hex(6)}.json`, 'big-json');
  bigJson(r, fb, target * 0.1);
  add(fb);
  fb = new FileBuilder('data/exports/invoices-2024.csv', 'csv');
  csvExport(r, fb, target * 0.05);
  add(fb);
  for (const [path, gen, share] of [
    ['apps/web/package-lock.json', packageLock, 0.035],
    ['services/api/package-lock.json', packageLock, 0.025],
    ['services/worker/go.sum', goSum, 0.01],
    ['services/ml/poetry.lock', poetryLock, 0.01],
  ]) {
    fb = new FileBuilder(path, 'lockfile');
    gen(r, fb, target * share);
    add(fb);
  }

  // Small and medium files until the target size is reached, in a repo-like layout.
  let total = files.reduce((n, f) => n + bytesOf(f), 0);
  let n = 0;
  const kinds = [
    ['ts', 22], ['ts-test', 7], ['py', 9], ['py-test', 3], ['go', 7], ['go-test', 2], ['java', 5], ['properties', 1],
    ['yaml-config', 5], ['ci-workflow', 2], ['docker-compose', 2], ['env', 3], ['dockerfile', 2], ['shell', 3],
    ['json-config', 4], ['terraform', 4], ['markdown', 6], ['css', 2], ['k8s', 5], ['helm', 2], ['misc-creds', 1],
  ];
  while (total < target) {
    n++;
    const kind = r.weighted(kinds);
    const svc = r.pick(SERVICES);
    const w = r.pick(WORDS);
    const made = [];
    const mk = (path, k) => {
      const f = new FileBuilder(path, k);
      made.push(f);
      return f;
    };
    switch (kind) {
      case 'ts': {
        const f = mk(`services/${svc}/src/${w}/${kebab(w)}-${r.pick(['service', 'controller', 'repository', 'handler', 'client', 'config'])}-${n}.ts`, 'source');
        tsFile(r, f, slotFor(f));
        break;
      }
      case 'ts-test': {
        const f = mk(`services/${svc}/src/${w}/${kebab(w)}-${n}.spec.ts`, 'test');
        tsFile(r, f, slotFor(f), { test: true });
        break;
      }
      case 'py': {
        const f = mk(`services/ml/${svc}/${w}_${r.pick(['service', 'tasks', 'views', 'utils', 'settings'])}_${n}.py`, 'source');
        pyFile(r, f, slotFor(f));
        break;
      }
      case 'py-test': {
        const f = mk(`services/ml/tests/test_${w}_${n}.py`, 'test');
        pyFile(r, f, slotFor(f), { test: true });
        break;
      }
      case 'go': {
        const f = mk(`services/${svc}/internal/${w}/${w}_${n}.go`, 'source');
        goFile(r, f, slotFor(f));
        break;
      }
      case 'go-test': {
        const f = mk(`services/${svc}/internal/${w}/${w}_${n}_test.go`, 'test');
        goFile(r, f, slotFor(f), { test: true });
        break;
      }
      case 'java': {
        const f = mk(`services/${svc}-jvm/src/main/java/com/${r.pick(ORGS)}/${svc}/${cap(w)}Service${n}.java`, 'source');
        javaFile(r, f, slotFor(f));
        break;
      }
      case 'properties': {
        const f = mk(`services/${svc}-jvm/src/main/resources/application-${r.pick(['prod', 'dev', 'staging'])}-${n}.properties`, 'config');
        propertiesFile(r, f, slotFor(f));
        break;
      }
      case 'yaml-config': {
        const f = mk(`services/${svc}/config/${r.pick(['default', 'production', 'staging', 'local'])}-${n}.yaml`, 'config');
        yamlConfig(r, f, slotFor(f));
        break;
      }
      case 'ci-workflow': {
        const f = mk(`.github/workflows/${svc}-${r.pick(['ci', 'release', 'deploy'])}-${n}.yml`, 'ci');
        ciWorkflow(r, f, slotFor(f));
        break;
      }
      case 'docker-compose': {
        const f = mk(`deploy/compose/docker-compose.${r.pick(['dev', 'prod', 'ci', 'test'])}-${n}.yml`, 'config');
        dockerCompose(r, f, slotFor(f));
        break;
      }
      case 'env': {
        const f = mk(`services/${svc}/envs/${n}/${r.pick(['.env', '.env.production', '.env.local', '.env.example', '.env.staging'])}`, 'env');
        envFile(r, f, slotFor(f));
        break;
      }
      case 'dockerfile': {
        const f = mk(`services/${svc}/images/${n}/${r.pick(['Dockerfile', 'Dockerfile.prod', 'Dockerfile.worker'])}`, 'dockerfile');
        dockerfile(r, f, slotFor(f));
        break;
      }
      case 'shell': {
        const f = mk(`scripts/${r.pick(VERBS)}-${svc}-${n}.sh`, 'shell');
        shellScript(r, f, slotFor(f));
        break;
      }
      case 'json-config': {
        const f = mk(`services/${svc}/config/${r.pick(['appsettings', 'config', 'settings', 'firebase'])}.${r.pick(['production', 'development', 'test'])}-${n}.json`, 'config');
        jsonConfig(r, f, slotFor(f));
        break;
      }
      case 'terraform': {
        const f = mk(`infra/terraform/${r.pick(['prod', 'staging'])}/${svc}-${n}.tf`, 'terraform');
        terraformFile(r, f, slotFor(f));
        break;
      }
      case 'markdown': {
        const f = mk(`docs/${svc}/${r.pick(['README', 'runbook', 'setup', 'troubleshooting'])}-${n}.md`, 'docs');
        markdownDoc(r, f, slotFor(f));
        break;
      }
      case 'css': {
        const f = mk(`apps/web/src/styles/${w}-${n}.css`, 'css');
        cssFile(r, f);
        break;
      }
      case 'k8s': {
        const env = r.pick(['prod', 'staging', 'dev']);
        const base = `deploy/k8s/${env}/${svc}-${n}`;
        const d = mk(`${base}/deployment.yaml`, 'k8s');
        k8sDeployment(r, d, slotFor(d), svc);
        const c = mk(`${base}/configmap.yaml`, 'k8s');
        configMap(r, c, slotFor(c), svc);
        const which = r.weighted([['secret', 4], ['sealed', 2], ['external', 2], ['sops', 2], ['none', 1]]);
        if (which === 'secret') k8sSecret(r, mk(`${base}/secret.yaml`, 'k8s'), p, svc);
        else if (which === 'sealed') sealedSecret(r, mk(`${base}/sealed-secret.yaml`, 'k8s'), p, svc);
        else if (which === 'external') externalSecret(r, mk(`${base}/external-secret.yaml`, 'k8s'), p, svc);
        else if (which === 'sops') sopsFile(r, mk(`${base}/secret.enc.yaml`, 'k8s'), p, svc);
        if (r.chance(0.25)) kustomization(r, mk(`${base}/kustomization.yaml`, 'k8s'), p, svc);
        break;
      }
      case 'helm': {
        const base = `charts/${svc}-${n}`;
        helmTemplate(r, mk(`${base}/templates/secret.yaml`, 'helm'), p, svc);
        const v = mk(`${base}/values-${r.pick(['prod', 'staging', 'dev'])}.yaml`, 'helm');
        helmValues(r, v, slotFor(v), svc);
        break;
      }
      case 'misc-creds': {
        const which = r.pick(['npmrc', 'pypirc', 'pem', 'cert', 'ssh', 'gcp']);
        if (which === 'npmrc') npmrc(r, mk(`packages/${svc}-${n}/.npmrc`, 'credentials-file'), p);
        else if (which === 'pypirc') pypirc(r, mk(`tools/release-${n}/.pypirc`, 'credentials-file'), p);
        else if (which === 'pem') pemFile(r, mk(`deploy/certs/${svc}-${n}.${r.pick(['key', 'pem'])}`, 'credentials-file'), p);
        else if (which === 'cert') certFile(r, mk(`deploy/certs/${svc}-${n}.crt`, 'certificate'), p);
        else if (which === 'ssh') sshDir(r, mk(`deploy/hosts/${svc}-${n}/authorized_keys`, 'public-key'), p);
        else {
          const f = mk(`infra/gcp/${svc}-${r.pick(['sa', 'deployer', 'ci'])}-${n}.json`, 'credentials-file');
          p.typeCounts['gcp-service-account-key']++;
          p.gcpJson(f);
        }
        break;
      }
      default:
        throw new Error(kind);
    }
    for (const f of made) {
      files.push(f);
      total += bytesOf(f);
    }
  }

  // Write.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const seen = new Set();
  const fileMeta = [];
  let bytes = 0;
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`duplicate path ${f.path}`);
    seen.add(f.path);
    const content = `${f.lines.join('\n')}\n`;
    const abs = join(outDir, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    const b = Buffer.byteLength(content);
    bytes += b;
    fileMeta.push({ path: f.path, kind: f.kind, bytes: b, lines: f.lines.length });
  }
  const labels = {
    generator: { version: GENERATOR_VERSION, seed, sizeMb },
    totals: { files: files.length, bytes, positives: p.labels.length, negatives: p.negatives.length },
    positives: p.labels,
    negatives: p.negatives,
    files: fileMeta,
  };
  writeFileSync(join(outDir, '..', `${outDir.split('/').pop()}.labels.json`), `${JSON.stringify(labels)}\n`);
  return labels;
}

/** Default location of a corpus: .cache/bench/secrets-corpus-<seed>-<size>mb/ (labels beside it). */
export function corpusPaths({ seed, sizeMb }) {
  const dir = join(ROOT, '.cache/bench', `secrets-corpus-${seed}-${sizeMb}mb`);
  return { dir, labels: `${dir}.labels.json` };
}

/** Reuses a corpus made by this generator version with the same seed and size, else generates it. */
export function ensureCorpus({ seed, sizeMb, force = false, progress = () => {} }) {
  const { dir, labels } = corpusPaths({ seed, sizeMb });
  if (!force && existsSync(labels) && existsSync(dir)) {
    const l = JSON.parse(readFileSync(labels, 'utf8'));
    if (l.generator?.version === GENERATOR_VERSION && l.generator.seed === seed && l.generator.sizeMb === sizeMb) {
      progress(`reusing corpus ${dir}`);
      return { dir, labelsPath: labels, labels: l };
    }
  }
  progress(`generating corpus (seed ${seed}, ${sizeMb} MB) into ${dir}`);
  const l = generateCorpus({ seed, sizeMb, outDir: dir });
  return { dir, labelsPath: labels, labels: l };
}

const HELP = `Generates the labeled secrets-benchmark corpus (deterministic for a seed and size).

Usage: node tools/bench/secrets/corpus.mjs [--seed N] [--size-mb MB] [--force]
  --seed N      PRNG seed (default 1)
  --size-mb MB  approximate corpus size (default 40)
  --force       regenerate even if a matching corpus exists
  -h, --help    this text

Writes .cache/bench/secrets-corpus-<seed>-<size>mb/ and, beside it (outside the scanned tree, so no
tool reads the answers), secrets-corpus-<seed>-<size>mb.labels.json. Prints a composition summary.`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: { seed: { type: 'string', default: '1' }, 'size-mb': { type: 'string', default: '40' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const t0 = Date.now();
  const { dir, labels } = ensureCorpus({ seed: Number(args.seed), sizeMb: Number(args['size-mb']), force: args.force, progress: (m) => process.stderr.write(`[secrets-corpus] ${m}\n`) });
  process.stderr.write(`[secrets-corpus] done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  const byKind = {};
  for (const f of labels.files) {
    byKind[f.kind] ??= { files: 0, bytes: 0 };
    byKind[f.kind].files++;
    byKind[f.kind].bytes += f.bytes;
  }
  const count = (xs, k) => xs.reduce((m, x) => ((m[x[k]] = (m[x[k]] ?? 0) + 1), m), {});
  process.stdout.write(`${JSON.stringify({ dir, totals: labels.totals, fileKinds: byKind, positivesByType: count(labels.positives, 'type'), positivesByContext: count(labels.positives, 'context'), negativesByKind: count(labels.negatives, 'kind') }, null, 2)}\n`);
}
