// Git smart-HTTP server for tests: Node http -> `git http-backend` (CGI/1.1), with Basic auth.
// Started by tools/stack/stack (component git-http); see tools/stack/README.md.
//
// Env: GIT_HTTP_ROOT (directory of bare repos, `<owner>/<name>.git`), GIT_HTTP_PORT,
//      GIT_HTTP_USER, GIT_HTTP_PASSWORD. Binds 127.0.0.1 only.
// Upload-pack is configured like the big providers: partial clone filters are allowed and any
// commit reachable from a ref can be fetched by id (GitHub, GitLab and Gitea all allow both).
import { spawn } from 'node:child_process';
import { timingSafeEqual, createHash } from 'node:crypto';
import http from 'node:http';

const root = process.env.GIT_HTTP_ROOT;
const port = Number(process.env.GIT_HTTP_PORT || 0);
const user = process.env.GIT_HTTP_USER;
const password = process.env.GIT_HTTP_PASSWORD;
if (!root || !user || !password) {
  console.error('git-http: GIT_HTTP_ROOT, GIT_HTTP_USER and GIT_HTTP_PASSWORD are required');
  process.exit(2);
}

const digest = (s) => createHash('sha256').update(s).digest();
const expected = digest(`${user}:${password}`);

function authorised(header) {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  // Compare digests: constant time without leaking the length of the expected value.
  return timingSafeEqual(digest(Buffer.from(m[1], 'base64').toString('utf8')), expected);
}

// Server-side git config for http-backend / upload-pack, passed through env so repos that
// tests create with a plain `git init --bare` need no config of their own.
const gitConfig = [
  ['uploadpack.allowFilter', 'true'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
  ['uploadpack.allowTipSHA1InWant', 'true'],
  ['http.receivepack', 'true'],
];
const configEnv = { GIT_CONFIG_COUNT: String(gitConfig.length) };
gitConfig.forEach(([k, v], i) => {
  configEnv[`GIT_CONFIG_KEY_${i}`] = k;
  configEnv[`GIT_CONFIG_VALUE_${i}`] = v;
});

let requests = 0;
const server = http.createServer((req, res) => {
  const id = ++requests;
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (!authorised(req.headers.authorization)) {
    console.log(`${new Date().toISOString()} #${id} ${req.method} ${url.pathname} 401`);
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'content-type': 'text/plain' }).end('authentication required\n');
    return;
  }
  let pathInfo;
  try {
    pathInfo = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const env = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...configEnv,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    REMOTE_USER: user,
    REMOTE_ADDR: req.socket.remoteAddress || '127.0.0.1',
    REQUEST_METHOD: req.method,
    PATH_INFO: pathInfo,
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] || '',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
  };
  if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = req.headers['git-protocol'];

  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let status = 0;
  req.pipe(cgi.stdin);
  cgi.stdin.on('error', () => {}); // the backend may answer (e.g. 404) before reading the body
  req.on('aborted', () => cgi.kill('SIGKILL'));
  res.on('close', () => {
    if (cgi.exitCode === null) cgi.kill('SIGKILL');
  });

  let buf = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    buf = Buffer.concat([buf, chunk]);
    let i = buf.indexOf('\r\n\r\n');
    let sep = 4;
    if (i < 0) {
      i = buf.indexOf('\n\n');
      sep = 2;
    }
    if (i < 0) return;
    status = 200;
    for (const line of buf.subarray(0, i).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const k = line.slice(0, colon).trim();
      const v = line.slice(colon + 1).trim();
      if (k.toLowerCase() === 'status') status = parseInt(v, 10) || 500;
      else res.setHeader(k, v);
    }
    res.writeHead(status);
    headersDone = true;
    res.write(buf.subarray(i + sep));
  });
  cgi.stderr.on('data', (d) => process.stderr.write(`#${id} ${d}`));
  cgi.on('error', (err) => {
    console.error(`#${id} cannot run git http-backend: ${err.message}`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
  cgi.on('close', (code) => {
    if (!headersDone && !res.headersSent) {
      status = 500;
      res.writeHead(500);
    }
    res.end();
    console.log(`${new Date().toISOString()} #${id} ${req.method} ${pathInfo}${url.search} ${status} (backend exit ${code})`);
  });
});

server.on('clientError', (_err, socket) => socket.destroy());
server.listen(port, '127.0.0.1', () => {
  console.log(`git-http listening on 127.0.0.1:${server.address().port} root=${root}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
