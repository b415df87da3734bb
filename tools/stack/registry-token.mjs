// Token server for the stack's bearer-auth registry (distribution `auth: token`), started by
// tools/stack/stack. It implements the Docker token protocol that registries such as Docker Hub,
// GHCR and Harbor use: the registry answers 401 with
//   WWW-Authenticate: Bearer realm="<this>/token",service="…",scope="repository:<name>:pull"
// and the client asks `GET /token?service=…&scope=…` here with Basic credentials.
//
// Only the configured user gets a token (any other request: 401), with the actions it asked for
// on `repository` scopes. The JWT is RS256-signed with the key whose certificate the registry
// lists in `rootcertbundle`; the header's `kid` is libtrust's key id of that public key, which is
// how distribution 2.8 finds the verification key without an x5c chain.
//
// Env: REGISTRY_TOKEN_PORT, REGISTRY_TOKEN_KEY (PEM file), REGISTRY_TOKEN_ISSUER,
// REGISTRY_TOKEN_SERVICE, REGISTRY_USER, REGISTRY_PASSWORD. No dependencies.
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`registry-token: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const port = Number(env('REGISTRY_TOKEN_PORT'));
const privateKey = createPrivateKey(readFileSync(env('REGISTRY_TOKEN_KEY')));
const issuer = env('REGISTRY_TOKEN_ISSUER');
const service = env('REGISTRY_TOKEN_SERVICE');
const user = env('REGISTRY_USER');
const password = env('REGISTRY_PASSWORD');
const TTL_S = 300;

// libtrust KeyID: sha256 of the DER SubjectPublicKeyInfo, first 240 bits, base32, groups of 4 joined by ':'
function libtrustKeyId(key) {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{1,4}/g).join(':');
}
const kid = libtrustKeyId(privateKey);

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function token(subject, access) {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', kid };
  const claims = { iss: issuer, sub: subject, aud: service, exp: now + TTL_S, nbf: now - 10, iat: now, jti: randomBytes(12).toString('hex'), access };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), privateKey))}`;
}

function sameSecret(a, b) {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

function authenticated(req) {
  const h = req.headers.authorization ?? '';
  if (!h.toLowerCase().startsWith('basic ')) return false;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return false;
  return sameSecret(decoded.slice(0, i), user) && sameSecret(decoded.slice(i + 1), password);
}

function parseScopes(params) {
  const access = [];
  for (const scope of params.getAll('scope')) {
    for (const one of scope.split(' ')) {
      // repository:<name>:<actions>; the name may contain ':' only before a port, which we never use
      const m = /^repository:([^:]+):([a-z*,]+)$/.exec(one);
      if (!m) continue;
      const actions = m[2].split(',').filter((a) => a === 'pull' || a === 'push' || a === '*');
      access.push({ type: 'repository', name: m[1], actions });
    }
  }
  return access;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const send = (status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  let outcome;
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  } else if (url.pathname !== '/token' || req.method !== 'GET') {
    outcome = 404;
    send(404, { error: 'not found' });
  } else if (url.searchParams.get('service') !== service) {
    outcome = 400;
    send(400, { error: 'unknown service' });
  } else if (!authenticated(req)) {
    outcome = 401;
    send(401, { error: 'unauthorized' }, { 'www-authenticate': 'Basic realm="registry-token"' });
  } else {
    outcome = 200;
    const access = parseScopes(url.searchParams);
    const t = token(user, access);
    send(200, { token: t, access_token: t, expires_in: TTL_S, issued_at: new Date().toISOString() });
  }
  // one line per request, never the credentials or the token
  console.log(`${new Date().toISOString()} ${req.method} ${url.pathname} scope=${url.searchParams.getAll('scope').join(' ')} -> ${outcome}`);
});

server.listen(port, '127.0.0.1', () => console.log(`registry-token listening on 127.0.0.1:${port} (kid ${kid})`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
