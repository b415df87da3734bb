import { ALNUM, BASE32, BASE64, BASE64URL, DIGITS, HEX, LOWER, UPPER, tokenGenerator } from './tokens.js';

/** Lines that must produce a finding of the rule (and, after dedupe, that rule's id), and lines that must not. */
export interface RuleExamples {
  readonly positives: readonly string[];
  readonly negatives: readonly string[];
}

const { rand, b64, b64url } = tokenGenerator(0xc0ffee);
/** A second stream for later examples, so adding one does not change the values of the others. */
const { rand: rnd } = tokenGenerator(0xfeed);
const lowerAlnum = LOWER + DIGITS;
const uuid = (r = rand): string => `${r(8, HEX)}-${r(4, HEX)}-${r(4, HEX)}-${r(4, HEX)}-${r(12, HEX)}`;
const pem = (label: string, r = rand): string => {
  const body: string[] = [];
  for (let i = 0; i < 12; i++) body.push(r(64, BASE64));
  return `-----BEGIN ${label}-----\n${body.join('\n')}\n-----END ${label}-----`;
};
const jwt = (payload: object, r = rand): string =>
  `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${r(43, BASE64URL)}`;
/** RFC 7519 unsecured JWTs: `alg: none`, or a signed header with the signature cut off. Both authenticate nothing. */
const unsignedJwt = (payload: object): string => `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.`;
const strippedJwt = (payload: object): string => jwt(payload, rnd).replace(/\.[^.]+$/, '.');
/**
 * An OpenSSH private key as ssh-keygen writes it: the `openssh-key-v1` header (unencrypted, one key),
 * whose zero bytes encode as runs of `A`, then random key bytes.
 */
const opensshKey = (indent = ''): string => {
  const u32 = (n: number): Buffer => Buffer.from([0, 0, 0, n]);
  const header = Buffer.concat([Buffer.from('openssh-key-v1\0'), u32(4), Buffer.from('none'), u32(4), Buffer.from('none'), u32(0), u32(1)]);
  const body = header.toString('base64').replace(/=+$/, '') + rnd(300, BASE64);
  const lines = body.match(/.{1,70}/g) ?? [];
  const label = 'OPENSSH PRIVATE KEY';
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`].map((l) => indent + l).join('\n');
};
const gh = (p: string): string => `gh${p}_${rand(36)}`;

/** One entry per default rule (a spec checks that every rule has one). */
export const RULE_EXAMPLES: Readonly<Record<string, RuleExamples>> = {
  'aws-access-key-id': {
    positives: [`aws_access_key_id = ${'AK' + 'IA'}${rand(16, BASE32)}`, `"AccessKeyId": "${'AS' + 'IA'}${rand(16, BASE32)}"`],
    negatives: [`aws_access_key_id = ${'AK' + 'IA'}IOSFODNN7${'EXAM' + 'PLE'}`, `id = ${'AK' + 'IA'}${rand(10, BASE32)}`],
  },
  'aws-secret-access-key': {
    positives: [`aws_secret_access_key = ${rand(40, BASE64)}`, `  "SecretAccessKey": "${rand(40, BASE64)}",`],
    negatives: [`aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY${'EXAMPLE' + 'KEY'}`, `aws_secret_access_key = ${'x'.repeat(40)}`],
  },
  'aws-mws-key': {
    positives: [`mws_token = amzn.mws.${uuid()}`],
    negatives: [`mws_token = amzn.mws.1234`],
  },
  'gcp-api-key': {
    positives: [`const firebaseKey = "${'AI' + 'za'}${rand(35, BASE64URL)}";`],
    negatives: [`const k = "${'AI' + 'za'}${rand(20, BASE64URL)}";`],
  },
  'gcp-oauth-client-secret': {
    positives: [`client_secret: ${'GOC' + 'SPX-'}${rand(28, BASE64URL)}`],
    negatives: [`client_secret: ${'GOC' + 'SPX-'}short`],
  },
  'google-oauth-access-token': {
    positives: [`Authorization token ${'ya' + '29.'}${rand(120, BASE64URL)}`],
    negatives: [`see ya29.docs`],
  },
  'firebase-cloud-messaging-key': {
    positives: [`fcm_server_key=${'AAAA'}${rand(7, BASE64URL)}:${'APA' + '91b'}${rand(134, BASE64URL)}`],
    negatives: [`fcm_server_key=AAAA:${'APA' + '91b'}`],
  },
  'azure-storage-account-key': {
    positives: [`DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${rand(86, BASE64)}==;EndpointSuffix=core.windows.net`],
    negatives: [
      `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<your-key>;`,
      // Azurite's published, fixed account key (local emulator).
      `AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6' + 'IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='};"`,
    ],
  },
  'azure-ad-client-secret': {
    positives: [`AZURE_CLIENT_SECRET=${rand(3, ALNUM)}8Q~${rand(34, ALNUM)}`],
    negatives: [`title = "Q~A session"`],
  },
  'azure-sas-token': {
    positives: [`https://acme.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=${rand(43, ALNUM)}%3D`],
    negatives: [`query = "?sig=abc"`],
  },
  'alibaba-access-key-id': {
    positives: [`access_key_id: ${'LT' + 'AI'}${rand(20, ALNUM)}`],
    negatives: [`access_key_id: ${'LT' + 'AI'}short`],
  },
  'digitalocean-token': {
    positives: [`DO_TOKEN=${'dop' + '_v1_'}${rand(64, HEX)}`],
    negatives: [`DO_TOKEN=${'dop' + '_v1_'}${rand(20, HEX)}`],
  },
  'heroku-api-key': {
    positives: [`HEROKU_API_KEY=${'HRKU' + '-AA'}${rand(58, BASE64URL)}`],
    negatives: [`HEROKU_API_KEY=${'HRKU' + '-AA'}short`],
  },
  'heroku-api-key-legacy': {
    positives: [`heroku_api_key = "${uuid()}"`],
    negatives: [`heroku_app_name = "my-app"`],
  },
  'cloudflare-api-token': {
    positives: [`CLOUDFLARE_API_TOKEN=${rand(40, BASE64URL)}`],
    negatives: [`CLOUDFLARE_ZONE=example.com`],
  },
  'fly-io-token': {
    positives: [`FLY_API_TOKEN=${'fo' + '1_'}${rand(43, BASE64URL)}`],
    negatives: [`FLY_API_TOKEN=${'fo' + '1_'}short`],
  },
  'terraform-cloud-token': {
    positives: [`token = "${rand(14, ALNUM)}.${'atlas' + 'v1'}.${rand(67, BASE64URL)}"`],
    negatives: [`# get a token at app.terraform.io (atlasv1 tokens)`],
  },
  'pulumi-access-token': {
    positives: [`PULUMI_ACCESS_TOKEN=${'pul' + '-'}${rand(40, HEX)}`],
    negatives: [`PULUMI_ACCESS_TOKEN=${'pul' + '-'}${rand(12, HEX)}`],
  },
  'databricks-token': {
    positives: [`DATABRICKS_TOKEN=${'da' + 'pi'}${rand(32, HEX)}`],
    negatives: [`url = "/api/2.0/dapi"`],
  },
  'supabase-token': {
    positives: [`SUPABASE_ACCESS_TOKEN=${'sb' + 'p_'}${rand(40, HEX)}`],
    negatives: [`SUPABASE_ACCESS_TOKEN=${'sb' + 'p_'}${rand(10, HEX)}`],
  },
  'planetscale-token': {
    positives: [`PLANETSCALE_PASSWORD=${'pscale' + '_pw_'}${rand(43, BASE64URL)}`],
    negatives: [`PLANETSCALE_PASSWORD=${'pscale' + '_pw_'}short`],
  },
  'github-pat': {
    positives: [`GITHUB_TOKEN=${gh('p')}`, `git clone https://x:${gh('p')}@github.com/acme/repo`],
    negatives: [`GITHUB_TOKEN=${'gh' + 'p_'}${'x'.repeat(36)}`, `token: ${'gh' + 'p_'}${rand(20)}`, `GITHUB_TOKEN=${gh('p')} # portcullis:allow`],
  },
  'github-fine-grained-pat': {
    positives: [`token = "${'github' + '_pat_'}${rand(22)}_${rand(59)}"`],
    negatives: [`token = "${'github' + '_pat_'}${rand(30)}"`],
  },
  'github-oauth-token': {
    positives: [`oauth: ${gh('o')}`],
    negatives: [`oauth: ${'gh' + 'o_'}${rand(12)}`],
  },
  'github-app-token': {
    positives: [`GH_INSTALLATION_TOKEN=${gh('s')}`, `user_token = "${gh('u')}"`],
    negatives: [`GH_INSTALLATION_TOKEN=${'gh' + 's_'}\${TOKEN}`],
  },
  'github-refresh-token': {
    positives: [`refresh: ${'gh' + 'r_'}${rand(76)}`],
    negatives: [`refresh: ${'gh' + 'r_'}${rand(10)}`],
  },
  'gitlab-pat': {
    positives: [`GITLAB_TOKEN=${'gl' + 'pat-'}${rand(20, BASE64URL)}`],
    negatives: [`GITLAB_TOKEN=${'gl' + 'pat-'}\${CI_TOKEN}`, `GITLAB_TOKEN=${'gl' + 'pat-'}${'x'.repeat(20)}`],
  },
  'gitlab-runner-token': {
    positives: [`token = "${'gl' + 'rt-'}${rand(20, BASE64URL)}"`, `registration-token: ${'GR13' + '48941'}${rand(20, BASE64URL)}`],
    negatives: [`token = "${'gl' + 'rt-'}abc"`],
  },
  'gitlab-deploy-token': {
    positives: [`DEPLOY_TOKEN=${'gl' + 'dt-'}${rand(20, BASE64URL)}`],
    negatives: [`DEPLOY_TOKEN=${'gl' + 'dt-'}abc`],
  },
  'gitlab-token': {
    positives: [`trigger: ${'gl' + 'ptt-'}${rand(40, HEX)}`, `CI_JOB_TOKEN=${'gl' + 'cbt-'}${rand(24, BASE64URL)}`],
    negatives: [`trigger: ${'gl' + 'ptt-'}abc`],
  },
  'bitbucket-app-password': {
    positives: [`BITBUCKET_APP_PASSWORD=${'AT' + 'BB'}${rand(32, ALNUM)}`],
    negatives: [`BITBUCKET_APP_PASSWORD=${'AT' + 'BB'}short`],
  },
  'atlassian-api-token': {
    positives: [`JIRA_API_TOKEN=${'ATATT' + '3x'}${rand(180, BASE64URL)}`],
    negatives: [`JIRA_API_TOKEN=${'ATATT' + '3x'}short`],
  },
  'azure-devops-pat': {
    positives: [`AZURE_DEVOPS_PAT=${rand(52, LOWER + '234567')}`],
    negatives: [`AZURE_DEVOPS_ORG=acme`],
  },
  'buildkite-token': {
    positives: [`BUILDKITE_API_TOKEN=${'bk' + 'ua_'}${rand(40, HEX)}`],
    negatives: [`BUILDKITE_API_TOKEN=${'bk' + 'ua_'}abc`],
  },
  'slack-bot-token': {
    positives: [`SLACK_BOT_TOKEN=${'xo' + 'xb-'}${rand(12, DIGITS)}-${rand(13, DIGITS)}-${rand(24)}`],
    negatives: [`SLACK_BOT_TOKEN=${'xo' + 'xb-'}\${SLACK}`, `prefix = "${'xo' + 'xb-'}"`],
  },
  'slack-user-token': {
    positives: [
      `slack_user_token: ${'xo' + 'xp-'}${rnd(12, DIGITS)}-${rnd(12, DIGITS)}-${rnd(13, DIGITS)}-${rnd(32, HEX)}`,
      // Older user tokens: two numeric parts and a 24-character tail.
      `export SLACK_TOKEN="${'xo' + 'xp-'}${rnd(11, DIGITS)}-${rnd(11, DIGITS)}-${rnd(24)}"`,
    ],
    negatives: [`slack_user_token: ${'xo' + 'xp-'}123`],
  },
  'slack-legacy-token': {
    positives: [`legacy = "${'xo' + 'xs-'}${rand(10, DIGITS)}-${rand(10, DIGITS)}-${rand(12, DIGITS)}-${rand(40, HEX)}"`],
    negatives: [`legacy = "${'xo' + 'xs-'}"`],
  },
  'slack-app-token': {
    positives: [`SLACK_APP_TOKEN=${'xa' + 'pp-'}1-A${rand(10, UPPER + DIGITS)}-${rand(13, DIGITS)}-${rand(64, HEX)}`],
    negatives: [`SLACK_APP_TOKEN=${'xa' + 'pp-'}1-abc`],
  },
  'slack-config-token': {
    positives: [`config_token: ${'xo' + 'xe.xo' + 'xp-'}1-${rand(164, UPPER + DIGITS)}`],
    negatives: [`config_token: ${'xo' + 'xe.xo' + 'xp-'}1-ABC`],
  },
  'slack-webhook-url': {
    positives: [`SLACK_WEBHOOK=https://${'hooks.slack' + '.com'}/services/T${rand(8, UPPER + DIGITS)}/B${rand(10, UPPER + DIGITS)}/${rand(24)}`],
    negatives: [`see https://${'hooks.slack' + '.com'}/services/ for docs`],
  },
  'discord-webhook-url': {
    positives: [`webhook: https://discord.com/api/webhooks/${rand(18, DIGITS)}/${rand(68, BASE64URL)}`],
    negatives: [`webhook: https://discord.com/developers/docs`],
  },
  'discord-bot-token': {
    positives: [`DISCORD_BOT_TOKEN=${'MT'}${rand(24, ALNUM)}.${rand(6, BASE64URL)}.${rand(38, BASE64URL)}`],
    negatives: [`DISCORD_BOT_TOKEN=\${DISCORD_TOKEN}`],
  },
  'telegram-bot-token': {
    positives: [`TELEGRAM_BOT_TOKEN=${rand(10, DIGITS)}:${'A' + 'A'}${rand(33, BASE64URL)}`],
    negatives: [`time = "12345678:AA"`],
  },
  'twilio-api-key': {
    positives: [`TWILIO_API_KEY=${'S' + 'K'}${rand(32, HEX)}`],
    negatives: [`TWILIO_API_KEY=${'S' + 'K'}${'0'.repeat(32)}`, `task = "SKIP"`],
  },
  'twilio-auth-token': {
    positives: [`TWILIO_AUTH_TOKEN=${rand(32, HEX)}`],
    negatives: [`TWILIO_AUTH_TOKEN=\${TWILIO_TOKEN}`],
  },
  'sendgrid-api-key': {
    positives: [`SENDGRID_API_KEY=${'S' + 'G.'}${rand(22, BASE64URL)}.${rand(43, BASE64URL)}`],
    negatives: [`SENDGRID_API_KEY=${'S' + 'G.'}xxxx`],
  },
  'mailgun-api-key': {
    positives: [`MAILGUN_API_KEY=${'key' + '-'}${rand(32, HEX)}`],
    negatives: [`primary-key-${'0'.repeat(4)}`],
  },
  'mailgun-signing-key': {
    positives: [`mailgun_signing_key = "${rand(32, HEX)}-${rand(8, HEX)}-${rand(8, HEX)}"`],
    negatives: [`mailgun_domain = "mg.acme.io"`],
  },
  'mailchimp-api-key': {
    positives: [`MAILCHIMP_KEY=${rand(32, HEX)}-us${rand(2, DIGITS)}`],
    negatives: [`region = "eu-west-1" # not -us`],
  },
  'stripe-live-key': {
    positives: [`STRIPE_SECRET_KEY=${'sk' + '_live_'}${rand(24)}`, `restricted: ${'rk' + '_live_'}${rand(99)}`],
    negatives: [`STRIPE_SECRET_KEY=${'sk' + '_live_'}${'x'.repeat(24)}`, `STRIPE_SECRET_KEY=${'sk' + '_live_'}\${KEY}`],
  },
  'stripe-test-key': {
    positives: [`STRIPE_TEST_KEY=${'sk' + '_test_'}${rand(24)}`],
    // Stripe's API reference prints its demo account's test key: public, and found in countless samples.
    negatives: [`STRIPE_TEST_KEY=${'sk' + '_test_'}short`, `const stripeSecretKey = '${'sk' + '_test_'}${'4eC39HqLyjWD' + 'arjtT1zdp7dc'}';`],
  },
  'stripe-webhook-secret': {
    positives: [`STRIPE_WEBHOOK_SECRET=${'wh' + 'sec_'}${rand(32)}`],
    negatives: [`STRIPE_WEBHOOK_SECRET=${'wh' + 'sec_'}...`],
  },
  'square-token': {
    positives: [`SQUARE_ACCESS_TOKEN=${'sq0' + 'atp-'}${rand(22, BASE64URL)}`, `square = "${'EA' + 'AA'}${rand(60, BASE64URL)}"`],
    negatives: [`SQUARE_ACCESS_TOKEN=${'sq0' + 'atp-'}short`],
  },
  'paypal-braintree-token': {
    positives: [`BRAINTREE_TOKEN=${'access_token$' + 'production$'}${rand(16, lowerAlnum)}$${rand(32, HEX)}`],
    negatives: [`BRAINTREE_TOKEN=${'access_token$' + 'production$'}abc`],
  },
  'flutterwave-secret-key': {
    positives: [`FLW_SECRET_KEY=${'FLWSE' + 'CK-'}${rand(32, 'abcdefgh' + DIGITS)}-X`],
    negatives: [`FLW_SECRET_KEY=${'FLWSE' + 'CK-'}abc-X`],
  },
  'shopify-token': {
    positives: [`SHOPIFY_ACCESS_TOKEN=${'shp' + 'at_'}${rand(32, HEX)}`],
    negatives: [`SHOPIFY_ACCESS_TOKEN=${'shp' + 'at_'}${rand(10, HEX)}`],
  },
  'npm-access-token': {
    positives: [`NPM_TOKEN=${'np' + 'm_'}${rand(36)}`],
    negatives: [`NPM_TOKEN=${'np' + 'm_'}${rand(12)}`],
  },
  'npmrc-auth': {
    positives: [`//registry.npmjs.org/:_authToken=${rand(36, BASE64URL)}`],
    negatives: [`//registry.npmjs.org/:_authToken=\${NPM_TOKEN}`],
  },
  'pypi-token': {
    positives: [`password = ${'pypi' + '-AgE'}IcHlwaS5vcmc${rand(70, BASE64URL)}`],
    negatives: [`password = ${'pypi' + '-AgE'}short`],
  },
  'dockerhub-pat': {
    positives: [`DOCKERHUB_TOKEN=${'dckr' + '_pat_'}${rand(27, BASE64URL)}`],
    negatives: [`DOCKERHUB_TOKEN=${'dckr' + '_pat_'}abc`],
  },
  'docker-config-auth': {
    positives: [`{"auths": {"registry.acme.io": {"auth": "${b64(`deploy:${rand(20)}`)}"}}}`],
    negatives: [`{"auths": {"registry.acme.io": {"auth": "${b64('no-colon-here-at-all')}"}}}`],
  },
  'nuget-api-key': {
    positives: [`NUGET_API_KEY=${'oy' + '2'}${rand(43, lowerAlnum)}`],
    negatives: [`NUGET_API_KEY=${'oy' + '2'}abc`],
  },
  'rubygems-api-key': {
    positives: [`GEM_HOST_API_KEY=${'rubygems' + '_'}${rand(48, HEX)}`],
    negatives: [`GEM_HOST_API_KEY=${'rubygems' + '_'}abc`],
  },
  'clojars-token': {
    positives: [`CLOJARS_TOKEN=${'CLOJARS' + '_'}${rand(60, lowerAlnum)}`],
    negatives: [`CLOJARS_TOKEN=${'CLOJARS' + '_'}abc`],
  },
  'artifactory-token': {
    positives: [`ARTIFACTORY_API_KEY=${'AK' + 'Cp'}${rand(69)}`],
    negatives: [`ARTIFACTORY_API_KEY=${'AK' + 'Cp'}short`],
  },
  'vault-token': {
    positives: [`VAULT_TOKEN=${'hv' + 's.'}${rand(95, BASE64URL)}`],
    negatives: [`VAULT_TOKEN=${'hv' + 's.'}short`],
  },
  'vault-token-legacy': {
    positives: [`VAULT_TOKEN=s.${rand(24)}`],
    negatives: [`VAULT_ADDR=https://vault.acme.io`],
  },
  'doppler-token': {
    positives: [`DOPPLER_TOKEN=${'dp.' + 'pt.'}${rand(43)}`],
    negatives: [`DOPPLER_TOKEN=${'dp.' + 'pt.'}abc`],
  },
  'age-secret-key': {
    positives: [`${'AGE-SECRET' + '-KEY-1'}${rand(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}`],
    negatives: [`# ${'AGE-SECRET' + '-KEY-1'}...`],
  },
  'datadog-api-key': {
    positives: [`DD_API_KEY=${rand(32, HEX)}`, `datadog_app_key: ${rand(40, HEX)}`],
    negatives: [`DD_API_KEY=\${DATADOG_KEY}`],
  },
  'new-relic-key': {
    positives: [`NEW_RELIC_API_KEY=${'NR' + 'AK-'}${rand(27, UPPER + DIGITS)}`],
    negatives: [`NEW_RELIC_API_KEY=${'NR' + 'AK-'}SHORT`],
  },
  'grafana-token': {
    positives: [`GRAFANA_TOKEN=${'gl' + 'sa_'}${rand(32)}_${rand(8, HEX)}`, `GRAFANA_CLOUD=${'gl' + 'c_'}${rand(120, BASE64)}`],
    negatives: [`GRAFANA_TOKEN=${'gl' + 'sa_'}abc`],
  },
  'sentry-token': {
    positives: [`SENTRY_AUTH_TOKEN=${'sntr' + 'ys_'}${rand(80, BASE64URL)}`],
    negatives: [`SENTRY_AUTH_TOKEN=${'sntr' + 'ys_'}abc`],
  },
  'okta-api-token': {
    positives: [`OKTA_API_TOKEN=00${rand(40, BASE64URL)}`],
    negatives: [`OKTA_ORG_URL=https://acme.okta.com`],
  },
  'snyk-api-token': {
    positives: [`SNYK_TOKEN=${uuid()}`],
    negatives: [`SNYK_ORG=acme`],
  },
  'linear-api-key': {
    positives: [`LINEAR_API_KEY=${'lin' + '_api_'}${rand(40)}`],
    negatives: [`LINEAR_API_KEY=${'lin' + '_api_'}abc`],
  },
  'notion-token': {
    positives: [`NOTION_TOKEN=${'nt' + 'n_'}${rand(11, DIGITS)}${rand(35)}`],
    negatives: [`NOTION_TOKEN=${'nt' + 'n_'}abc`],
  },
  'figma-token': {
    positives: [`FIGMA_TOKEN=${'fi' + 'gd_'}${rand(40, BASE64URL)}`],
    negatives: [`FIGMA_TOKEN=${'fi' + 'gd_'}abc`],
  },
  'postman-api-key': {
    positives: [`POSTMAN_API_KEY=${'PM' + 'AK-'}${rand(24, HEX)}-${rand(34, HEX)}`],
    negatives: [`POSTMAN_API_KEY=${'PM' + 'AK-'}abc`],
  },
  'facebook-access-token': {
    positives: [`FB_ACCESS_TOKEN=${'EA' + 'AC'}${rand(180)}`],
    negatives: [`FB_ACCESS_TOKEN=${'EA' + 'AC'}short`],
  },
  'mapbox-secret-token': {
    positives: [`MAPBOX_SECRET=${'sk.' + 'eyJ'}${rand(60, BASE64URL)}.${rand(22, BASE64URL)}`],
    negatives: [`MAPBOX_PUBLIC=pk.eyJ${rand(60, BASE64URL)}.${rand(22, BASE64URL)}`],
  },
  'dropbox-token': {
    positives: [`DROPBOX_TOKEN=${'sl' + '.'}${rand(140, BASE64URL)}`],
    negatives: [`ssl.verify = true`],
  },
  'openai-api-key': {
    positives: [`OPENAI_API_KEY=sk-proj-${rand(40, BASE64URL)}${'T3Blbk' + 'FJ'}${rand(40, BASE64URL)}`, `OPENAI_API_KEY=sk-${rand(20)}${'T3Blbk' + 'FJ'}${rand(20)}`],
    negatives: [`# keys contain ${'T3Blbk' + 'FJ'} in the middle`],
  },
  'openai-project-key': {
    positives: [`OPENAI_API_KEY=${'sk-' + 'proj-'}${rand(120, BASE64URL)}`],
    negatives: [`OPENAI_API_KEY=${'sk-' + 'proj-'}\${KEY}`],
  },
  'openai-legacy-key': {
    positives: [`openai.api_key = "${'sk' + '-'}${rand(48)}"`],
    negatives: [`openai.api_key = "${'sk' + '-'}${rand(20)}"`],
  },
  'anthropic-api-key': {
    positives: [`ANTHROPIC_API_KEY=${'sk-' + 'ant-'}api03-${rand(93, BASE64URL)}AA`],
    negatives: [`ANTHROPIC_API_KEY=${'sk-' + 'ant-'}api03-...`],
  },
  'huggingface-token': {
    positives: [`HF_TOKEN=${'h' + 'f_'}${rand(34, UPPER + LOWER)}`],
    negatives: [`HF_TOKEN=${'h' + 'f_'}abc`],
  },
  'private-key': {
    positives: [
      pem('RSA PRIVATE KEY'),
      pem('OPENSSH PRIVATE KEY'),
      pem('PGP PRIVATE KEY BLOCK'),
      `"private_key": "${pem('PRIVATE KEY').replace(/\n/g, '\\n')}"`,
      // A real OpenSSH key's header encodes zero bytes as runs of `A`.
      opensshKey(),
      `const deployKey = \`${opensshKey()}\`;`,
      // Indented under a YAML block scalar.
      `environment:\n  private_key: |\n${pem('EC PRIVATE KEY', rnd).replace(/^/gm, '    ')}`,
      `  ssh_key: |\n${opensshKey('    ')}`,
      `const key = "${pem('RSA PRIVATE KEY', rnd).replace(/\n/g, '\\n')}";`,
    ],
    negatives: [
      `if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):`,
      `-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----`,
      `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n...your key...\n-----END RSA PRIVATE KEY-----`,
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(70)}\n${'A'.repeat(70)}\n-----END OPENSSH PRIVATE KEY-----`,
    ],
  },
  jwt: {
    positives: [`const token = "${jwt({ sub: rand(12), iat: 1700000000, role: 'admin' })}";`],
    negatives: [
      `const token = "${jwt({ sub: '1234567890', name: 'John Doe', iat: 1516239022 })}";`,
      `const t = "eyJhbGciOi.eyJzdWIiOi";`,
      `unsigned_token: "${unsignedJwt({ sub: rnd(12), role: 'admin', iat: 1700000000 })}"`,
      `test_token: "${strippedJwt({ sub: rnd(12), role: 'viewer', iat: 1700000000 })}"`,
    ],
  },
  'database-url-password': {
    positives: [
      `DATABASE_URL=postgres://app:${rnd(16)}@db.internal:5432/app`,
      `MONGO_URI="mongodb+srv://svc:${rnd(12)}@cluster0.mongodb.net/prod"`,
      `redis://:${rnd(20)}@cache:6379/0`,
      // Percent-encoded from the first character.
      `const databaseUrl = 'mysql://app:%25${rnd(8)}_${rnd(6)}%2B${rnd(4)}@mysql.prod.svc:3306/catalog';`,
      // A host redacted to a documentation domain still leaks the random password.
      `DATABASE_URL=postgresql://billing:${rnd(20)}%2F${rnd(6)}@db.internal.example.net:5432/billing`,
      `{"databaseUrl":"redis://:${rnd(40, HEX)}@cache.example.com:6379/7"}`,
      // Unencoded `#` and `/`, as pasted.
      `AMQP_URL=amqp://app:${rnd(6)}#${rnd(6)}/${rnd(6)}@mq.internal:5672/vhost`,
    ],
    negatives: [
      `DATABASE_URL=postgres://postgres:postgres@localhost:5432/app`,
      `DATABASE_URL=postgres://app:\${DB_PASSWORD}@db:5432/app`,
      `DATABASE_URL=postgres://db.internal:5432/app`,
      `DATABASE_URL=postgres://app:s3cret@db.example.com:5432/app`,
      `DSN = "mysql://app:%(password)s@db:3306/app"`,
      `REDIS=redis://cache:6379/0,admin@ops.acme.io`,
    ],
  },
  'basic-auth-url': {
    positives: [
      `url = "https://deploy:${rnd(16)}@artifacts.acme.io/repo"`,
      `export REGISTRY_URL="https://session:#${rnd(10)}+${rnd(12)}@git.acme.io/org/repo.git"`,
      `pip_extra_index_url: "https://deploy:${rnd(20)}/${rnd(12)}@nexus.acme.io/repository/pypi/"`,
    ],
    negatives: [
      `url = "https://user:password@example.com/repo"`,
      `url = "https://artifacts.acme.io:8443/repo"`,
      `see https://registry.acme.io:8443/@scope/pkg`,
      `url = "https://user:hunter42@git.example.com/repo.git"`,
    ],
  },
  'authorization-header': {
    positives: [`curl -H "Authorization: Bearer ${rand(40, BASE64URL)}" https://api.acme.io`, `Authorization: Basic ${b64(`svc:${rand(16)}`)}`],
    negatives: [`headers["Authorization"] = "Bearer " + token`, `Authorization: Bearer \${API_TOKEN}`],
  },
  'generic-password': {
    positives: [
      `SMTP_PASS=${rnd(14, ALNUM + '!#%')}`,
      `DB_PASSWORD=${rnd(14, ALNUM + '!#%')}`,
      `  password: "${rnd(12, ALNUM + '!@#')}"`,
      `spring.datasource.password=${rnd(16)}`,
      // A random password may start with what would be an operator in code.
      `export POSTGRES_PASSWORD="*${rnd(12)}#${rnd(3)}^${rnd(8)}"`,
      `const adminPassword = '!${rnd(7)}!${rnd(3)}^${rnd(6)}';`,
    ],
    negatives: [
      `password: \${DB_PASSWORD}`,
      `password = "changeme"`,
      `password: {{ .Values.db.password }}`,
      `password = os.environ["DB_PASSWORD"]`,
      `password=self.password`,
      `password_min_length: 12345678`,
      `passwordHash = "${rand(32, HEX)}"`,
      `password: "<your-password>"`,
      // YAML alias and tag, CloudFormation reference.
      `  password: *default_db_password`,
      `  password: !vault_password`,
      `MasterUserPassword: !Ref DbPasswordParameter`,
    ],
  },
  'generic-secret': {
    positives: [
      `STRIPE_KEY="${rnd(32)}"`,
      `APP_KEY=base64:${rnd(43, BASE64)}=`,
      `API_KEY="${rnd(32)}"`,
      `client_secret: ${rnd(40, BASE64URL)}`,
      `const apiKey = '${rnd(24)}';`,
      `const sessionSecret = '^${rnd(8)}+${rnd(4)}*Y-^${rnd(6)}';`,
      // A bare `key` with key material: mixed classes, or long hex.
      `  key: '${rnd(6)}//${rnd(8)}+${rnd(12)}',`,
      `export KEY="${rnd(40, HEX)}"`,
      `"key": "${rnd(6)}*${rnd(5)}=${rnd(6)}#${rnd(4)}"`,
    ],
    negatives: [
      `api_key = "YOUR_API_KEY_HERE"`,
      `token_type = "bearer_token_value"`,
      `secretName: my-app-secret-name`,
      `api_key: "\${API_KEY}"`,
      `secret = get_secret("db-password")`,
      `tokenizer = AutoTokenizer.from_pretrained(model)`,
      `API_KEY="${'x'.repeat(32)}"`,
      `primary_key = "id"`,
      `sort_key: "created_at_timestamp"`,
      `STRIPE_PUBLISHABLE_KEY=pk_live_${rand(24)}`,
      `bypass = True`,
      // Identifiers under credential-ish names.
      `idempotency_key: "${uuid(rnd)}"`,
      `DEDUPE_KEY="${rnd(32)}"`,
      `cache_key: "pip-${rnd(64, HEX)}"`,
      `RECAPTCHA_SITE_KEY="6L${rnd(38, BASE64URL)}"`,
      `next_page_token: "${rnd(40, BASE64URL)}"`,
      `signing_key_fingerprint: "${rnd(40, HEX)}"`,
      `twilio_account_key: AC${rnd(32, HEX)}`,
      `asset_token: "sha384-${rnd(64, BASE64)}"`,
      // A log's namespaced cache key: \`token\` is the value of \`key\`, and \`policy:<hex>\` an id.
      `2024-06-01T00:03:07Z DEBUG cache hit key=token:${rnd(40, HEX)} etag="${rnd(32, HEX)}"`,
      `2024-06-01T00:03:08Z DEBUG cache miss key=policy:${rnd(40, HEX)}`,
      // A bare \`key\` holding a name or an id.
      `  key: 'userProfileSettings',`,
      `  key: "${uuid(rnd)}",`,
      `key = "${rnd(16, HEX)}"`,
      // Unsigned JWTs and vendors' documented sample tokens.
      `unsigned_token: "${unsignedJwt({ sub: rnd(12), role: 'admin', iat: 1700000000 })}"`,
      `slack_bot_token: "${'xo' + 'xb-'}not-a-real-token-this-will-not-work"`,
      `example_token: "${jwt({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, rnd)}"`,
    ],
  },
  'generic-secret-xml': {
    positives: [`<password>${rand(16, ALNUM + '!#')}</password>`],
    negatives: [`<password>\${env.PASSWORD}</password>`],
  },
};
