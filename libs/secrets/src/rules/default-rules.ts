import type { Severity } from '@portcullis/contracts';
import { shannonEntropy } from '../engine/entropy.js';
import { decodeJwt, isInertJwt } from '../engine/jwt.js';
import { hasPlaceholderText, isPlaceholder } from '../engine/placeholders.js';
import {
  GENERIC_STOPWORDS,
  isBase64Credentials,
  isBareKey,
  isBundledFile,
  isCodeFile,
  isIdentifierShape,
  isNonSecretKey,
  isNonSecretValue,
  looksLikeKeyMaterial,
  looksLikePassword,
  looksLikeToken,
} from './generic-checks.js';
import type { MatchDetails } from './rule.js';

/**
 * One of our own rules. Regexes are V8 RegExps written for this engine and vetted: every quantifier
 * is bounded (a spec enforces it), so no input makes one backtrack for long. Keywords are what the
 * prefilter looks for; a rule runs only on lines (or windows of long lines) that contain one, so every
 * match must contain one of its keywords or sit on the same line as one.
 */
export interface RuleDefinition {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  readonly regex: RegExp;
  readonly keywords: readonly string[];
  /** Groups holding the secret, first non-empty wins. Default: group 1, else the whole match. */
  readonly secretGroup?: number | readonly number[];
  /** Minimum Shannon entropy of the secret (strictly greater). */
  readonly entropy?: number;
  /** Leading characters a preview may show: the provider's public prefix. */
  readonly reveal?: number;
  readonly multiline?: boolean;
  /** Lower = more specific; generic rules lose to provider rules on the same value. Default 10. */
  readonly priority?: number;
  readonly stopwords?: readonly string[];
  readonly validate?: (details: MatchDetails) => boolean;
  /**
   * The rule's `validate` does its own placeholder check, so the engine's generic one (which takes
   * runs such as `AAAAA` or indentation for filler) is skipped. For multi-line values (PEM bodies).
   */
  readonly ownPlaceholderCheck?: boolean;
}

const ASSIGN = String.raw`["'\x60]?\s{0,5}(?:=|:=|:|=>|->|\|\|=|\?=)\s{0,5}["'\x60]?`;

/** A provider-specific value that only appears after a keyword naming the provider (`TWILIO_AUTH_TOKEN=`). */
function keyed(context: string, value: string): RegExp {
  return new RegExp(String.raw`(?:${context})[\w.-]{0,30}${ASSIGN}(${value})(?![\w])`, 'i');
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** Groups of the generic assignment regexes: 1 = key, 2–5 = value (double, single, backtick quoted, bare). */
const GENERIC_VALUE_GROUPS = [2, 3, 4, 5] as const;
function genericValue(min: number): string {
  // A quoted value followed by `+`, `.` or `[` is part of an expression (`"prefix" + Math.random()`).
  return String.raw`["']?\s{0,5}(?:=|:=|:|=>|\|\|=|\?=)\s{0,5}(?:"([^"\r\n]{${min},300})"|'([^'\r\n]{${min},300})'|\x60([^\x60\r\n]{${min},300})\x60|([^\s"'\x60;,&(){}\[\]<>]{${min},300}))(?!\s{0,3}[+.[])`;
}
/**
 * Where a generic key may start: not inside a word, and not right after `=` — in `key=token:3f9a…`
 * (a log's cache key) `token` is the value of `key`, not a key of its own.
 */
const GENERIC_KEY_START = '(?<![A-Za-z0-9=])';
const PASSWORD_WORDS = String.raw`passw(?:or)?d|passwd|pwd|passphrase|pass(?![A-Za-z])`;
const TOKEN_WORDS = String.raw`secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|client[_.-]?secret|auth[_.-]?key|credentials?|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|app[_.-]?key|[_-]key(?![A-Za-z])|(?<![A-Za-z0-9])key(?![A-Za-z])`;

/** Shared by the generic rules: a credential-like key, and a literal value that is not code or a placeholder. */
function genericAssignmentOk({ groups, secret, path }: MatchDetails): boolean {
  const key = groups[1] ?? '';
  if (isNonSecretKey(key) || isNonSecretValue(secret)) return false;
  // Publishable keys (`pk_live_…`, `publicKey`) are meant to be public; a Twilio account SID (`AC…`)
  // names an account, its auth token is the secret.
  if (/public|publishable/i.test(key) || /^pk_/.test(secret) || /^AC[0-9a-f]{32}$/.test(secret)) return false;
  // Group 5 is the bare value: in source code that is an expression (`token = getToken()`).
  if (groups[5] !== undefined && isCodeFile(path)) return false;
  // A built bundle inlines JSON data modules (`{"token":"<uuid>","link":"<hex>"}`): ids and hashes
  // under ordinary field names. Provider rules still find real keys there by their prefixes.
  if (isBundledFile(path) && isIdentifierShape(secret)) return false;
  // `TSPrivateKeyword = "TSPrivateKeyword"`: an enum or a name, not a secret.
  return secret.toLowerCase() !== key.replace(/["'`]/g, '').toLowerCase();
}
function genericPasswordOk(details: MatchDetails): boolean {
  return genericAssignmentOk(details) && looksLikePassword(details.secret);
}
function genericTokenOk(details: MatchDetails): boolean {
  if (!genericAssignmentOk(details) || !looksLikeToken(details.secret)) return false;
  // A bare `key` names anything (a React list key, a map key, a translation key): only a value
  // that is random in more than one way counts — mixed character classes, or a long hex key.
  return !isBareKey(details.groups[1] ?? '') || looksLikeKeyMaterial(details.secret);
}

/** Passwords developers leave in local connection strings; not worth a finding. */
const DEV_PASSWORDS = new Set(['postgres', 'mysql', 'guest', 'root', 'admin', 'password', 'pass', 'secret', 'test', 'user', 'redis', 'mongo', 'example', 'changeme', 'dev', 'local', 'pwd', 'passwd']);
/** Documentation hosts (RFC 2606): a URL with credentials there is an example. */
const EXAMPLE_HOST = /(?:^|\.)example(?:\.(?:com|org|net))?$|^(?:host|hostname|domain|server)$/i;
/** The documentation domain itself (`user:pass@example.com`), as opposed to a named host under it. */
const EXAMPLE_APEX = /^(?:www\.)?example(?:\.(?:com|org|net))?$|^(?:host|hostname|domain|server)$/i;
function urlPasswordOk({ groups, secret }: MatchDetails): boolean {
  const user = groups[2] ?? '';
  if (secret === user || DEV_PASSWORDS.has(secret.toLowerCase())) return false;
  if (isPlaceholder(secret) || /^\$|^\{|^<|^\*+$/.test(secret)) return false;
  // `%(password)s`, `%DB_PASS%`: a format slot. `%2F…` is a percent-encoded character of a real password.
  if (/^%(?![0-9A-Fa-f]{2})/.test(secret)) return false;
  // `http://host:8080/path/@scope` is a port and a path, not `user:password@`: an unencoded `/` is
  // accepted in a password (pasted base64) only when what precedes it is no port number.
  if (/^\d{1,5}\//.test(secret)) return false;
  // Documentation hosts carry `user:pass` examples. Under a named host (`analytics-db.internal.example.net`)
  // a random password is a real one whose host was redacted, which still leaks it.
  const host = groups[4] ?? '';
  if (EXAMPLE_APEX.test(host)) return false;
  if (EXAMPLE_HOST.test(host)) return looksLikeToken(secret);
  return true;
}

function jwtOk({ secret }: MatchDetails): boolean {
  return decodeJwt(secret) !== undefined && !isInertJwt(secret);
}

function pemBodyOk({ secret }: MatchDetails): boolean {
  // No `isPlaceholder` here: a key's DER and OpenSSH headers hold runs of `A` (zero bytes) and an
  // indented block (YAML `|`) holds runs of spaces, both of which it reads as filler.
  if (hasPlaceholderText(secret.trim())) return false;
  const body = secret
    .replace(/\\[rn]/g, '')
    .replace(/^[ \t]{0,40}[A-Za-z-]{1,40}:[^\n]{0,200}$/gm, '')
    .replace(/[^A-Za-z0-9+/=]/g, '');
  return body.length >= 64 && shannonEntropy(body) > 4.5;
}

/** The rules we ship. Ids are stable: findings, triage and allowlists refer to them. */
export const DEFAULT_RULES: readonly RuleDefinition[] = [
  // --- Cloud providers ---
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id',
    severity: 'critical',
    regex: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/,
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key in an assignment',
    severity: 'critical',
    regex: new RegExp(String.raw`(?:aws|secret)[\w.-]{0,30}(?:secret|access)[\w.-]{0,20}${ASSIGN}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`, 'i'),
    keywords: ['aws_secret', 'aws-secret', 'awssecret', 'secret_access', 'secretaccess', 'secret-access', 'aws.secret'],
    entropy: 4,
  },
  {
    id: 'aws-mws-key',
    description: 'Amazon MWS auth token',
    severity: 'high',
    regex: new RegExp(String.raw`\b(amzn\.mws\.${UUID})\b`),
    keywords: ['amzn.mws.'],
    reveal: 9,
  },
  {
    id: 'gcp-api-key',
    description: 'Google Cloud / Firebase API key',
    severity: 'high',
    regex: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/,
    keywords: ['aiza'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'gcp-oauth-client-secret',
    description: 'Google OAuth client secret',
    severity: 'high',
    regex: /\b(GOCSPX-[0-9A-Za-z_-]{28})(?![0-9A-Za-z_-])/,
    keywords: ['gocspx-'],
    reveal: 7,
  },
  {
    id: 'google-oauth-access-token',
    description: 'Google OAuth access token',
    severity: 'medium',
    regex: /\b(ya29\.[0-9A-Za-z_-]{30,400})(?![0-9A-Za-z_-])/,
    keywords: ['ya29.'],
    entropy: 3.5,
    reveal: 5,
  },
  {
    id: 'firebase-cloud-messaging-key',
    description: 'Firebase Cloud Messaging server key',
    severity: 'high',
    regex: /\b(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{134})(?![A-Za-z0-9_-])/,
    keywords: ['apa91b'],
  },
  {
    id: 'azure-storage-account-key',
    description: 'Azure storage account key (connection string)',
    severity: 'critical',
    regex: /AccountKey\s{0,3}=\s{0,3}([A-Za-z0-9+/]{86}==)/i,
    keywords: ['accountkey'],
    entropy: 4,
  },
  {
    id: 'azure-ad-client-secret',
    description: 'Azure AD (Entra ID) client secret',
    severity: 'high',
    regex: /(?:^|[\s'"`=:(,])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
    keywords: ['q~'],
    entropy: 3,
  },
  {
    id: 'azure-sas-token',
    description: 'Azure shared access signature',
    severity: 'high',
    regex: /\bsv=\d{4}-\d\d-\d\d[^\s'"]{0,300}?[?&]sig=([A-Za-z0-9%+/]{30,120}(?:%3D|=){0,2})/,
    keywords: ['sig='],
    entropy: 3.5,
  },
  {
    id: 'alibaba-access-key-id',
    description: 'Alibaba Cloud AccessKey id',
    severity: 'high',
    regex: /\b(LTAI[A-Za-z0-9]{20})\b/,
    keywords: ['ltai'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'digitalocean-token',
    description: 'DigitalOcean personal access, OAuth or refresh token',
    severity: 'critical',
    regex: /\b(do[opr]_v1_[a-f0-9]{64})\b/,
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    reveal: 7,
  },
  {
    id: 'heroku-api-key',
    description: 'Heroku API key',
    severity: 'high',
    regex: /\b(HRKU-AA[0-9A-Za-z_-]{58})(?![0-9A-Za-z_-])/,
    keywords: ['hrku-'],
    reveal: 5,
  },
  {
    id: 'heroku-api-key-legacy',
    description: 'Heroku API key (UUID next to a heroku key name)',
    severity: 'high',
    regex: keyed('heroku', UUID),
    keywords: ['heroku'],
  },
  {
    id: 'cloudflare-api-token',
    description: 'Cloudflare API token or global API key',
    severity: 'high',
    regex: keyed('cloudflare|\\bcf_api|\\bcf-api', '[A-Za-z0-9_-]{37,40}'),
    keywords: ['cloudflare', 'cf_api', 'cf-api'],
    entropy: 3.5,
  },
  {
    id: 'fly-io-token',
    description: 'Fly.io access token',
    severity: 'high',
    regex: /\b(fo1_[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/,
    keywords: ['fo1_'],
    reveal: 4,
  },
  {
    id: 'terraform-cloud-token',
    description: 'Terraform Cloud / Enterprise API token',
    severity: 'high',
    regex: /\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_=-])/,
    keywords: ['atlasv1'],
  },
  {
    id: 'pulumi-access-token',
    description: 'Pulumi access token',
    severity: 'high',
    regex: /\b(pul-[a-f0-9]{40})\b/,
    keywords: ['pul-'],
    reveal: 4,
  },
  {
    id: 'databricks-token',
    description: 'Databricks personal access token',
    severity: 'high',
    regex: /\b(dapi[a-f0-9]{32}(?:-\d)?)\b/,
    keywords: ['dapi'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'supabase-token',
    description: 'Supabase personal access token',
    severity: 'high',
    regex: /\b(sbp_[a-f0-9]{40})\b/,
    keywords: ['sbp_'],
    reveal: 4,
  },
  {
    id: 'planetscale-token',
    description: 'PlanetScale token or password',
    severity: 'high',
    regex: /\b(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9=._-]{32,64})(?![A-Za-z0-9=._-])/,
    keywords: ['pscale_'],
    reveal: 11,
  },
  // --- Source control and CI ---
  {
    id: 'github-pat',
    description: 'GitHub personal access token (classic)',
    severity: 'critical',
    regex: /\b(ghp_[0-9A-Za-z]{36})\b/,
    keywords: ['ghp_'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    severity: 'critical',
    regex: /\b(github_pat_[0-9A-Za-z_]{82})\b/,
    keywords: ['github_pat_'],
    entropy: 3,
    reveal: 11,
  },
  {
    id: 'github-oauth-token',
    description: 'GitHub OAuth access token',
    severity: 'critical',
    regex: /\b(gho_[0-9A-Za-z]{36})\b/,
    keywords: ['gho_'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'github-app-token',
    description: 'GitHub App user-to-server or installation token',
    severity: 'critical',
    regex: /\b((?:ghu|ghs)_[0-9A-Za-z]{36})\b/,
    keywords: ['ghu_', 'ghs_'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'github-refresh-token',
    description: 'GitHub refresh token',
    severity: 'high',
    regex: /\b(ghr_[0-9A-Za-z]{36,76})\b/,
    keywords: ['ghr_'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'gitlab-pat',
    description: 'GitLab personal, project or group access token',
    severity: 'critical',
    regex: /\b(glpat-[0-9A-Za-z_.-]{20,300})(?![0-9A-Za-z_-])/,
    keywords: ['glpat-'],
    entropy: 3,
    reveal: 6,
  },
  {
    id: 'gitlab-runner-token',
    description: 'GitLab runner authentication or registration token',
    severity: 'high',
    regex: /\b((?:glrt-|GR1348941)[0-9A-Za-z_.-]{20,300})(?![0-9A-Za-z_-])/,
    keywords: ['glrt-', 'gr1348941'],
    entropy: 3,
    reveal: 5,
  },
  {
    id: 'gitlab-deploy-token',
    description: 'GitLab deploy token',
    severity: 'high',
    regex: /\b(gldt-[0-9A-Za-z_.-]{20,300})(?![0-9A-Za-z_-])/,
    keywords: ['gldt-'],
    entropy: 3,
    reveal: 5,
  },
  {
    id: 'gitlab-token',
    description: 'GitLab CI job, trigger, feed, mail, SCIM, agent, feature-flag or OAuth application token',
    severity: 'high',
    regex: /\b((?:glcbt-|glptt-|glft-|glimt-|glffct-|glsoat-|glagent-|gloas-)[0-9A-Za-z_.-]{20,300})(?![0-9A-Za-z_-])/,
    keywords: ['glcbt-', 'glptt-', 'glft-', 'glimt-', 'glffct-', 'glsoat-', 'glagent-', 'gloas-'],
    entropy: 3,
  },
  {
    id: 'bitbucket-app-password',
    description: 'Bitbucket app password',
    severity: 'high',
    regex: /\b(ATBB[A-Za-z0-9_=.-]{28,40})(?![A-Za-z0-9_=.-])/,
    keywords: ['atbb'],
    entropy: 3.5,
    reveal: 4,
  },
  {
    id: 'atlassian-api-token',
    description: 'Atlassian (Jira, Confluence, Bitbucket) API or access token',
    severity: 'high',
    regex: /\b(AT(?:ATT|CTT)3[A-Za-z0-9_=-]{150,250})(?![A-Za-z0-9_=-])/,
    keywords: ['atatt3', 'atctt3'],
    reveal: 6,
  },
  {
    id: 'azure-devops-pat',
    description: 'Azure DevOps personal access token',
    severity: 'high',
    regex: keyed('azure[_-]?devops|\\bado|azdo|vsts', '[a-z2-7]{52}'),
    keywords: ['devops', 'ado', 'azdo', 'vsts'],
    entropy: 3.5,
  },
  {
    id: 'buildkite-token',
    description: 'Buildkite agent or API token',
    severity: 'high',
    regex: /\b(bkua_[a-f0-9]{40})\b/,
    keywords: ['bkua_'],
    reveal: 5,
  },
  // --- Chat ---
  {
    id: 'slack-bot-token',
    description: 'Slack bot token',
    severity: 'high',
    regex: /\b(xoxb-[0-9]{10,13}-[0-9]{10,13}(?:-[A-Za-z0-9]{20,40})?)(?![A-Za-z0-9-])/,
    keywords: ['xoxb-'],
    reveal: 5,
  },
  {
    id: 'slack-user-token',
    description: 'Slack user token',
    severity: 'high',
    // Current user tokens have three numeric parts and a 32-character tail; older ones two and 24.
    regex: /\b(xox[pe](?:-[0-9]{10,13}){2,3}-[A-Za-z0-9]{24,34})\b/,
    keywords: ['xoxp-', 'xoxe-'],
    reveal: 5,
  },
  {
    id: 'slack-legacy-token',
    description: 'Slack legacy, workspace or app token',
    severity: 'high',
    regex: /\b(xox[aors]-(?:[0-9]{1,13}-){1,4}[0-9A-Za-z]{8,64})\b/,
    keywords: ['xoxa-', 'xoxo-', 'xoxr-', 'xoxs-'],
    entropy: 2.5,
    reveal: 5,
  },
  {
    id: 'slack-app-token',
    description: 'Slack app-level token',
    severity: 'high',
    regex: /\b(xapp-\d-[A-Z0-9]{8,14}-\d{10,14}-[a-f0-9]{60,70})\b/i,
    keywords: ['xapp-'],
    reveal: 5,
  },
  {
    id: 'slack-config-token',
    description: 'Slack configuration or refresh token',
    severity: 'high',
    regex: /\b(xoxe(?:\.xox[bp])?-\d-[A-Z0-9]{140,170})\b/i,
    keywords: ['xoxe'],
    reveal: 5,
  },
  {
    id: 'slack-webhook-url',
    description: 'Slack incoming webhook URL',
    severity: 'high',
    regex: /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/_-]{20,100})/,
    keywords: ['hooks.slack.com'],
    entropy: 3,
  },
  {
    id: 'discord-webhook-url',
    description: 'Discord webhook URL',
    severity: 'high',
    regex: /(?:https?:\/\/)?(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/[0-9]{17,20}\/([A-Za-z0-9_-]{60,80})/,
    keywords: ['discord'],
  },
  {
    id: 'discord-bot-token',
    description: 'Discord bot token (on a line naming Discord)',
    severity: 'high',
    regex: /(?<![A-Za-z0-9_-])([MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})(?![A-Za-z0-9_-])/,
    keywords: ['discord'],
    entropy: 3.5,
  },
  {
    id: 'telegram-bot-token',
    description: 'Telegram bot token',
    severity: 'high',
    regex: /(?<![0-9])([0-9]{8,10}:AA[0-9A-Za-z_-]{33})(?![0-9A-Za-z_-])/,
    keywords: [':aa'],
    entropy: 3,
  },
  {
    id: 'twilio-api-key',
    description: 'Twilio API key',
    severity: 'high',
    regex: /\b(SK[0-9a-fA-F]{32})\b/,
    keywords: ['sk'],
    entropy: 3,
    reveal: 2,
  },
  {
    id: 'twilio-auth-token',
    description: 'Twilio auth token (next to a twilio key name)',
    severity: 'high',
    regex: keyed('twilio', '[0-9a-f]{32}'),
    keywords: ['twilio'],
    entropy: 3,
  },
  // --- Mail and messaging APIs ---
  {
    id: 'sendgrid-api-key',
    description: 'SendGrid API key',
    severity: 'high',
    regex: /\b(SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43})(?![0-9A-Za-z_-])/,
    keywords: ['sg.'],
    entropy: 3,
    reveal: 3,
  },
  {
    id: 'mailgun-api-key',
    description: 'Mailgun private API key',
    severity: 'high',
    regex: /\b(key-[0-9a-f]{32})\b/,
    keywords: ['key-'],
    entropy: 3,
  },
  {
    id: 'mailgun-signing-key',
    description: 'Mailgun API or webhook signing key (on a line naming Mailgun)',
    severity: 'high',
    regex: /\b([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b/,
    keywords: ['mailgun'],
    entropy: 3,
  },
  {
    id: 'mailchimp-api-key',
    description: 'Mailchimp API key',
    severity: 'high',
    regex: /\b([0-9a-f]{32}-us[0-9]{1,2})\b/,
    keywords: ['-us'],
    entropy: 3,
  },
  // --- Payments ---
  {
    id: 'stripe-live-key',
    description: 'Stripe live secret or restricted key',
    severity: 'critical',
    regex: /\b((?:sk|rk)_live_[0-9A-Za-z]{20,99})\b/,
    keywords: ['sk_live_', 'rk_live_'],
    entropy: 3,
    reveal: 8,
  },
  {
    id: 'stripe-test-key',
    description: 'Stripe test-mode secret or restricted key',
    severity: 'low',
    regex: /\b((?:sk|rk)_test_[0-9A-Za-z]{20,99})\b/,
    keywords: ['sk_test_', 'rk_test_'],
    entropy: 3,
    reveal: 8,
  },
  {
    id: 'stripe-webhook-secret',
    description: 'Stripe webhook signing secret',
    severity: 'high',
    regex: /\b(whsec_[A-Za-z0-9+/=]{32,88})(?![A-Za-z0-9+/=])/,
    keywords: ['whsec_'],
    entropy: 3,
    reveal: 6,
  },
  {
    id: 'square-token',
    description: 'Square access token or OAuth secret',
    severity: 'critical',
    regex: /\b(sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}|EAAA[A-Za-z0-9_-]{60})(?![0-9A-Za-z_-])/,
    keywords: ['sq0atp-', 'sq0csp-', 'eaaa'],
    entropy: 3.5,
  },
  {
    id: 'paypal-braintree-token',
    description: 'PayPal Braintree production access token',
    severity: 'critical',
    regex: /\b(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})\b/,
    keywords: ['access_token$production$'],
    reveal: 24,
  },
  {
    id: 'flutterwave-secret-key',
    description: 'Flutterwave secret key',
    severity: 'high',
    regex: /\b(FLWSECK(?:_TEST)?-[a-hA-H0-9]{32}-X)\b/,
    keywords: ['flwseck'],
  },
  {
    id: 'shopify-token',
    description: 'Shopify access token, app secret or custom-app token',
    severity: 'high',
    regex: /\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b/,
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    reveal: 6,
  },
  // --- Package registries ---
  {
    id: 'npm-access-token',
    description: 'npm access token',
    severity: 'critical',
    regex: /\b(npm_[A-Za-z0-9]{36})\b/,
    keywords: ['npm_'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'npmrc-auth',
    description: 'Registry credential in an .npmrc (_authToken, _auth, _password)',
    severity: 'high',
    regex: /(?:^|[\s:/])_(?:authToken|auth|password)\s{0,3}=\s{0,3}["']?([^\s"'#;]{8,400})/,
    keywords: ['_auth', '_password'],
    entropy: 3,
    stopwords: GENERIC_STOPWORDS,
  },
  {
    id: 'pypi-token',
    description: 'PyPI upload token',
    severity: 'critical',
    regex: /\b(pypi-AgE[A-Za-z0-9_-]{50,300})(?![A-Za-z0-9_-])/,
    keywords: ['pypi-age'],
    reveal: 5,
  },
  {
    id: 'dockerhub-pat',
    description: 'Docker Hub personal or organisation access token',
    severity: 'high',
    regex: /\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32})(?![A-Za-z0-9_-])/,
    keywords: ['dckr_pat_', 'dckr_oat_'],
    entropy: 3,
    reveal: 9,
  },
  {
    id: 'docker-config-auth',
    description: 'Registry credentials in a Docker config.json (auth)',
    severity: 'high',
    regex: /"auth"\s{0,5}:\s{0,5}"([A-Za-z0-9+/]{8,400}={0,2})"/,
    keywords: ['"auth"'],
    validate: ({ secret }) => isBase64Credentials(secret),
  },
  {
    id: 'nuget-api-key',
    description: 'NuGet API key',
    severity: 'high',
    regex: /\b(oy2[a-z0-9]{43})\b/,
    keywords: ['oy2'],
    entropy: 3,
    reveal: 3,
  },
  {
    id: 'rubygems-api-key',
    description: 'RubyGems API key',
    severity: 'high',
    regex: /\b(rubygems_[0-9a-f]{48})\b/,
    keywords: ['rubygems_'],
    reveal: 9,
  },
  {
    id: 'clojars-token',
    description: 'Clojars deploy token',
    severity: 'high',
    regex: /\b(CLOJARS_[a-z0-9]{60})\b/i,
    keywords: ['clojars_'],
    reveal: 8,
  },
  {
    id: 'artifactory-token',
    description: 'JFrog Artifactory API key or reference token',
    severity: 'high',
    regex: /\b(AKCp[A-Za-z0-9]{69}|cmVmdGtu[A-Za-z0-9]{56})\b/,
    keywords: ['akcp', 'cmvmdgtu'],
    entropy: 3.5,
  },
  // --- Secrets managers, observability, SaaS ---
  {
    id: 'vault-token',
    description: 'HashiCorp Vault service, batch or recovery token',
    severity: 'critical',
    regex: /\b(hv[sbr]\.[A-Za-z0-9_-]{90,300})(?![A-Za-z0-9_-])/,
    keywords: ['hvs.', 'hvb.', 'hvr.'],
    entropy: 3.5,
    reveal: 4,
  },
  {
    id: 'vault-token-legacy',
    description: 'HashiCorp Vault legacy token (next to a vault key name)',
    severity: 'critical',
    regex: keyed('vault', 's\\.[A-Za-z0-9]{24}'),
    keywords: ['vault'],
    entropy: 3.5,
  },
  {
    id: 'doppler-token',
    description: 'Doppler personal, service or CLI token',
    severity: 'high',
    regex: /\b(dp\.(?:pt|st|ct|scim|audit)\.[A-Za-z0-9]{40,44})\b/,
    keywords: ['dp.pt.', 'dp.st.', 'dp.ct.', 'dp.scim.', 'dp.audit.'],
    reveal: 6,
  },
  {
    id: 'age-secret-key',
    description: 'age encryption secret key',
    severity: 'critical',
    regex: /\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b/,
    keywords: ['age-secret-key-1'],
  },
  {
    id: 'datadog-api-key',
    description: 'Datadog API or application key',
    severity: 'high',
    regex: keyed('datadog|\\bdd[_-]?(?:api|app)', '[a-f0-9]{40}|[a-f0-9]{32}'),
    keywords: ['datadog', 'dd_api', 'dd-api', 'ddapi', 'dd_app', 'dd-app', 'ddapp'],
    entropy: 3,
  },
  {
    id: 'new-relic-key',
    description: 'New Relic user API key',
    severity: 'high',
    regex: /\b(NRAK-[A-Z0-9]{27})\b/,
    keywords: ['nrak-'],
    reveal: 5,
  },
  {
    id: 'grafana-token',
    description: 'Grafana service-account or cloud token',
    severity: 'high',
    regex: /\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})(?![A-Za-z0-9+/=_])/,
    keywords: ['glsa_', 'glc_'],
    entropy: 3,
    reveal: 4,
  },
  {
    id: 'sentry-token',
    description: 'Sentry auth token',
    severity: 'high',
    regex: /\b(sntry[su]_[A-Za-z0-9+/=_-]{40,300})(?![A-Za-z0-9+/=_-])/,
    keywords: ['sntrys_', 'sntryu_'],
    reveal: 7,
  },
  {
    id: 'okta-api-token',
    description: 'Okta API token (next to an okta key name)',
    severity: 'high',
    regex: keyed('okta', '00[A-Za-z0-9_-]{40}'),
    keywords: ['okta'],
    entropy: 3.5,
  },
  {
    id: 'snyk-api-token',
    description: 'Snyk API token (next to a snyk key name)',
    severity: 'high',
    regex: keyed('snyk', UUID),
    keywords: ['snyk'],
  },
  {
    id: 'linear-api-key',
    description: 'Linear API key',
    severity: 'high',
    regex: /\b(lin_api_[A-Za-z0-9]{40})\b/,
    keywords: ['lin_api_'],
    reveal: 8,
  },
  {
    id: 'notion-token',
    description: 'Notion integration token',
    severity: 'high',
    regex: /\b(ntn_[0-9]{11}[A-Za-z0-9]{35})\b/,
    keywords: ['ntn_'],
    reveal: 4,
  },
  {
    id: 'figma-token',
    description: 'Figma personal access token',
    severity: 'high',
    regex: /\b(figd_[A-Za-z0-9_-]{40})(?![A-Za-z0-9_-])/,
    keywords: ['figd_'],
    reveal: 5,
  },
  {
    id: 'postman-api-key',
    description: 'Postman API key',
    severity: 'high',
    regex: /\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b/i,
    keywords: ['pmak-'],
    reveal: 5,
  },
  {
    id: 'facebook-access-token',
    description: 'Facebook / Meta access token',
    severity: 'high',
    regex: /\b(EAA[MC][A-Za-z0-9]{100,300})\b/,
    keywords: ['eaam', 'eaac'],
    entropy: 3.5,
  },
  {
    id: 'mapbox-secret-token',
    description: 'Mapbox secret access token',
    severity: 'high',
    regex: /\b(sk\.eyJ[A-Za-z0-9_-]{50,400}\.[A-Za-z0-9_-]{20,100})(?![A-Za-z0-9_-])/,
    keywords: ['sk.eyj'],
  },
  {
    id: 'dropbox-token',
    description: 'Dropbox short-lived access token',
    severity: 'medium',
    regex: /\b(sl\.[A-Za-z0-9_-]{130,200})(?![A-Za-z0-9_-])/,
    keywords: ['sl.'],
    entropy: 4,
  },
  // --- AI providers ---
  {
    id: 'openai-api-key',
    description: 'OpenAI API key',
    severity: 'high',
    regex: /\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})(?![A-Za-z0-9_-])/,
    keywords: ['t3blbkfj'],
    reveal: 3,
    // The T3BlbkFJ marker makes this the most specific of the OpenAI rules.
    priority: 5,
  },
  {
    id: 'openai-project-key',
    description: 'OpenAI project, service-account or admin key',
    severity: 'high',
    regex: /\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250})(?![A-Za-z0-9_-])/,
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    entropy: 3.5,
    reveal: 8,
  },
  {
    id: 'openai-legacy-key',
    description: 'OpenAI legacy user API key',
    severity: 'high',
    regex: /\b(sk-[A-Za-z0-9]{48})\b/,
    keywords: ['sk-'],
    entropy: 3.5,
    reveal: 3,
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API or admin key',
    severity: 'high',
    regex: /\b(sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_-]{32,120})(?![A-Za-z0-9_-])/,
    keywords: ['sk-ant-'],
    entropy: 3.5,
    reveal: 7,
  },
  {
    id: 'huggingface-token',
    description: 'Hugging Face access token',
    severity: 'high',
    regex: /\b(hf_[A-Za-z]{34})\b/,
    keywords: ['hf_'],
    entropy: 3.5,
    reveal: 3,
  },
  // --- Keys and tokens by format ---
  {
    id: 'private-key',
    description: 'Private key (PEM: RSA, EC, DSA, OpenSSH, PKCS#8, PGP)',
    severity: 'critical',
    // The body cannot contain `-----`, so a BEGIN without its END fails at the next armour line
    // instead of searching the rest of the window.
    regex: /-----BEGIN[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----((?:[^-]|-(?!----)){64,12000})-----END[ A-Z0-9_-]{0,40}PRIVATE KEY(?: BLOCK)?-----/,
    keywords: ['private key'],
    multiline: true,
    validate: pemBodyOk,
    ownPlaceholderCheck: true,
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    severity: 'medium',
    regex: /\b(eyJ[A-Za-z0-9_-]{10,1000}\.eyJ[A-Za-z0-9_-]{10,4000}\.[A-Za-z0-9_-]{10,1000})(?![A-Za-z0-9_-])/,
    keywords: ['eyj'],
    entropy: 3,
    priority: 20,
    validate: jwtOk,
  },
  {
    id: 'database-url-password',
    description: 'Database or message-broker URL with a password',
    severity: 'critical',
    regex: /\b((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|couchdb|clickhouse|cockroachdb|neo4j(?:\+s)?|bolt|nats|memcached)(?:\+[a-z0-9]{1,20})?:\/\/)([^:/?#\s'"@]{0,100}):([^@?\s'"]{1,200})@([^\s'"/?#@:]{1,200})/i,
    keywords: ['postgres', 'mysql', 'mariadb', 'mongodb', 'redis', 'amqp', 'mssql', 'sqlserver', 'oracle', 'couchdb', 'clickhouse', 'cockroachdb', 'neo4j', 'bolt:', 'nats:', 'memcached'],
    secretGroup: 3,
    priority: 15,
    validate: urlPasswordOk,
  },
  {
    id: 'basic-auth-url',
    description: 'URL with embedded credentials (user:password@host)',
    severity: 'high',
    regex: /\b((?:https?|ftps?|sftp|ssh|git|svn|smtps?|ldaps?|wss?)(?:\+[a-z]{1,10})?:\/\/)([^:/?#\s'"@]{1,100}):([^@?\s'"]{3,200})@([A-Za-z0-9.-]{1,253})/i,
    keywords: ['://'],
    secretGroup: 3,
    priority: 20,
    validate: urlPasswordOk,
  },
  {
    id: 'authorization-header',
    description: 'Bearer or Basic credentials in an Authorization header',
    severity: 'high',
    regex: /\b(Bearer|Basic)\s{1,3}([A-Za-z0-9._~+/=-]{16,1000})(?![A-Za-z0-9._~+/=-])/i,
    keywords: ['bearer', 'basic'],
    secretGroup: 2,
    priority: 40,
    validate: ({ groups, secret }) =>
      groups[1]?.toLowerCase() === 'basic'
        ? isBase64Credentials(secret)
        : !isNonSecretValue(secret) && looksLikeToken(secret),
  },
  // --- Generic assignments ---
  {
    id: 'generic-password',
    description: 'Password assigned in code or configuration',
    severity: 'high',
    regex: new RegExp(String.raw`${GENERIC_KEY_START}([A-Za-z0-9_.-]{0,30}(?:${PASSWORD_WORDS})[A-Za-z0-9_.-]{0,20})${genericValue(6)}`, 'i'),
    keywords: ['pass', 'pwd'],
    secretGroup: GENERIC_VALUE_GROUPS,
    priority: 50,
    stopwords: GENERIC_STOPWORDS,
    validate: genericPasswordOk,
  },
  {
    id: 'generic-secret',
    description: 'Secret, token or API key assigned in code or configuration',
    severity: 'high',
    regex: new RegExp(String.raw`${GENERIC_KEY_START}([A-Za-z0-9_.-]{0,30}(?:${TOKEN_WORDS})[A-Za-z0-9_.-]{0,20})${genericValue(12)}`, 'i'),
    keywords: ['secret', 'token', 'key', 'credential'],
    secretGroup: GENERIC_VALUE_GROUPS,
    priority: 50,
    stopwords: GENERIC_STOPWORDS,
    validate: genericTokenOk,
  },
  {
    id: 'generic-secret-xml',
    description: 'Password, secret or token in an XML element',
    severity: 'high',
    regex: new RegExp(String.raw`<([A-Za-z0-9_.-]{0,30}(?:${PASSWORD_WORDS}|${TOKEN_WORDS})[A-Za-z0-9_.-]{0,20})>([^<\s]{6,300})</\1>`, 'i'),
    keywords: ['password>', 'passwd>', 'secret>', 'token>', 'key>', 'credentials>', 'credential>'],
    secretGroup: 2,
    priority: 50,
    stopwords: GENERIC_STOPWORDS,
    validate: ({ groups, secret }) => {
      const key = groups[1] ?? '';
      if (isNonSecretKey(key) || isNonSecretValue(secret)) return false;
      return new RegExp(PASSWORD_WORDS, 'i').test(key) ? looksLikePassword(secret) : looksLikeToken(secret);
    },
  },
];
