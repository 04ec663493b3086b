// The production server: the built app from dist/ and the token route, on one origin, so the
// browser needs no CORS and the secret never leaves this process. `npm run build` bundles this
// file to dist-server/serve.js; `npm start` runs it with plain node.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenRoute } from './token-route.js';

const dist = resolve(fileURLToPath(new URL('../dist/', import.meta.url)));
const port = Number(process.env.PORT ?? 3000);
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

if (!existsSync(join(dist, 'index.html'))) {
  console.error(`${dist}/index.html is missing: run \`npm run build\` first.`);
  process.exit(1);
}
if (!process.env.REALSTREAM_SECRET) {
  console.warn('REALSTREAM_SECRET is not set: /api/token will refuse every request (503).');
}

const route = tokenRoute();
createServer((req, res) => {
  route(req, res, () => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://app.invalid').pathname);
    // normalize() resolves `..`; anything that still lands outside dist/ is not ours to serve.
    let file = normalize(join(dist, path));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    // A path that is not a file is a route of the single-page app.
    if (!existsSync(file) || !statSync(file).isFile()) file = join(dist, 'index.html');
    const hashed = file.includes(`${join(dist, 'assets')}/`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
}).listen(port, () => console.log(`Realstream npm-app on http://localhost:${port}/`));
