// The smallest honest webpack setup for a TypeScript page: tsc has already compiled src/ to build/
// (its own type check and emit), so webpack bundles plain ESM and needs no loader at all.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './build/main.js',
  output: {
    path: fileURLToPath(new URL('./dist/', import.meta.url)),
    // A fixed name: dist/index.html (copied in by the suite, no HTML plugin) loads it.
    filename: 'main.js',
  },
};
