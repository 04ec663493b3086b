// The front of `npm start` (and of the test harness's servers that serve the pages): one port that
// serves the built files the pages load (the one-tag loader and its chunks, the host's tokens and
// fonts) from the folders the build writes, and passes every other request, WebSocket upgrades
// included, to the room server behind it.
//
// Why not let `partykit dev` serve them: it serves one folder (partykit.json `serve.path`, here
// examples/) and rebuilds its worker, restarting every room, whenever the set of files in that
// folder changes (it watches it with chokidar and the asset manifest is part of the worker). The
// loader's chunks carry content hashes, so every build added and removed files there and every
// client fell back to a snapshot. The build now writes outside examples/, and this front serves it.
import { createReadStream, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * What the front serves itself, by URL path: the one-tag loader and its chunks at the root (the
 * pages and the docs name `/realstream.min.js`), and the host's built assets under /host/.
 */
export const BUILT = [
  { match: /^\/(realstream\.min|realstream-[a-z]+-[\w-]+)\.js$/, dir: 'packages/elements/dist' },
  { match: /^\/host\/((?:[\w-]+\/)*[\w-]+(?:\.[\w-]+)+)$/, dir: 'dist/host' },
];

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The file on disk for a URL path the front serves, or null when the path is the server's. */
export function builtFile(pathname, root = ROOT) {
  for (const { match, dir } of BUILT) {
    const m = match.exec(pathname);
    if (!m) continue;
    const base = resolve(root, dir);
    const file = resolve(base, pathname.startsWith('/host/') ? m[1] : pathname.slice(1));
    // The patterns allow no `..`; this keeps it so if they ever change.
    return file.startsWith(base + sep) ? file : null;
  }
  return null;
}

function serveFile(file, req, res) {
  let size;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`Not built: ${file}. Run \`npm run build\`.\n`);
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    // A rebuild must be picked up by a reload; the chunks' hashes make this cheap anyway.
    'cache-control': 'no-cache',
    // The script-tag example loads the loader from another origin; a module script needs CORS.
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
}

function proxy(req, res, upstreamPort) {
  const up = request(
    {
      host: '127.0.0.1',
      port: upstreamPort,
      method: req.method,
      path: req.url,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.pipe(res);
    },
  );
  up.on('error', (error) => {
    if (res.headersSent) return res.destroy();
    // Refused or cut: the server behind is still starting (or restarting after a change).
    if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET') {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' });
      return res.end('The room server is starting: try again in a moment.\n');
    }
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`The room server on port ${upstreamPort} did not answer: ${error.message}\n`);
  });
  req.pipe(up);
}

/** A WebSocket upgrade: the request head as received, then bytes both ways. */
function tunnel(req, socket, head, upstreamPort) {
  const up = connect(upstreamPort, '127.0.0.1', () => {
    let raw = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      raw += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    up.write(`${raw}\r\n`);
    if (head.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  const end = () => {
    up.destroy();
    socket.destroy();
  };
  up.on('error', end);
  socket.on('error', end);
  up.on('close', end);
  socket.on('close', end);
}

/**
 * Starts the front on `port` (0: any free one) in front of the room server on `upstreamPort`.
 * Resolves with the listening server; `close()` also ends open connections and tunnels.
 */
export function startFront({ port, upstreamPort, hostname, root = ROOT }) {
  const sockets = new Set();
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://front');
    const file = req.method === 'GET' || req.method === 'HEAD' ? builtFile(pathname, root) : null;
    if (file) serveFile(file, req, res);
    else proxy(req, res, upstreamPort);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => tunnel(req, socket, head, upstreamPort));
  const close = server.close.bind(server);
  server.close = (callback) => {
    const done = close(callback);
    for (const socket of sockets) socket.destroy();
    return done;
  };
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolveListen(server));
  });
}

/** A port free right now on 127.0.0.1, for the room server behind the front. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createNetServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}
