#!/usr/bin/env node
// The example's backend (docs/sdk.md): serves the page, the installed SDK package, and POST /token,
// which asks Conclave for a guest token with the API key (scope participants:join). The key stays
// here; the page gets only the token. Another origin than Conclave's: Conclave must list this one in
// CONCLAVE_EMBED_ORIGINS for the page's signaling socket to be accepted.
//
//   node scripts/build.mjs --sdk
//   CONCLAVE_URL=https://meet.example.org CONCLAVE_API_KEY=cnk_… PORT=3000 node examples/embed/server.mjs
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the package is installed; here, the build in the repository (`npm i` would put it in node_modules). */
const DEFAULT_SDK_DIR = join(here, '../../packages/client/dist');
const SDK_PATH = '/node_modules/@conclave/client/';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

/**
 * Starts the example on `port` (0: any free one) and resolves with its URL. `conclaveUrl` is the
 * Conclave server's public URL; `apiKey` a key with the scope `participants:join`.
 */
export async function startExample({
  conclaveUrl,
  apiKey,
  port = 0,
  host = '127.0.0.1',
  sdkDir = DEFAULT_SDK_DIR,
}) {
  const page = await readFile(join(here, 'index.html'), 'utf8');
  const csp = contentSecurityPolicy(page, conclaveUrl);

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handle(req, res) {
    const path = new URL(req.url ?? '/', 'http://example').pathname;
    if (req.method === 'POST' && path === '/token') return token(req, res);
    if (req.method !== 'GET') return res.writeHead(405).end();
    if (path === '/') return send(res, page, '.html', { 'content-security-policy': csp });
    if (path === '/main.js') return send(res, await readFile(join(here, 'main.js')), '.js');
    if (path.startsWith(SDK_PATH)) {
      const file = resolve(sdkDir, `.${path.slice(SDK_PATH.length - 1)}`);
      if (!file.startsWith(resolve(sdkDir) + sep)) return res.writeHead(404).end();
      const body = await readFile(file).catch(() => null);
      return body ? send(res, body, extname(file)) : res.writeHead(404).end();
    }
    res.writeHead(404).end();
  }

  /**
   * A guest token for the meeting the page names, under the name it gives. A real app would check its
   * own user's session here and take the name from their account.
   */
  async function token(req, res) {
    let input;
    try {
      input = JSON.parse(await text(req));
    } catch {
      return json(res, 400, { code: 'bad_request', message: 'Send JSON' });
    }
    const { meetingId, displayName } = input ?? {};
    if (
      typeof meetingId !== 'string' ||
      !/^[\w-]{1,64}$/.test(meetingId) ||
      typeof displayName !== 'string'
    ) {
      return json(res, 400, { code: 'bad_request', message: 'Name a meeting id and a display name' });
    }
    const answer = await fetch(`${conclaveUrl}/api/v1/meetings/${meetingId}/guests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ displayName }),
    });
    json(res, answer.status, await answer.json());
  }

  await new Promise((done) => server.listen(port, host, done));
  const { port: listening } = server.address();
  return {
    url: `http://${host}:${listening}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * The page's CSP: scripts from here (and the import map, by its hash), the SDK's workers from here,
 * WebAssembly (the E2EE codewords), and connections to here and to Conclave, HTTP and WebSocket.
 */
function contentSecurityPolicy(page, conclaveUrl) {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
  const hash = createHash('sha256').update(importMap).digest('base64');
  const conclave = new URL(conclaveUrl);
  const socket = `${conclave.protocol === 'https:' ? 'wss' : 'ws'}://${conclave.host}`;
  return [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}' 'wasm-unsafe-eval'`,
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ${conclave.origin} ${socket}`,
    "media-src 'self' blob:",
  ].join('; ');
}

function send(res, body, ext, headers = {}) {
  res.writeHead(200, {
    'content-type': `${TYPES[ext] ?? 'application/octet-stream'}; charset=utf-8`,
    ...headers,
  });
  res.end(body);
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function text(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('body too large');
  }
  return body;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { CONCLAVE_URL, CONCLAVE_API_KEY, PORT = '3000' } = process.env;
  if (!CONCLAVE_URL || !CONCLAVE_API_KEY) {
    console.error('Set CONCLAVE_URL (the Conclave server) and CONCLAVE_API_KEY (scope participants:join).');
    process.exit(1);
  }
  const { url } = await startExample({
    conclaveUrl: CONCLAVE_URL,
    apiKey: CONCLAVE_API_KEY,
    port: Number(PORT),
  });
  console.log(`Example page at ${url}; Conclave needs CONCLAVE_EMBED_ORIGINS=${url}`);
}
