// Builds the page's bundle: esbuild bundles web/src/main.js (Chart.js from node_modules, no CDN)
// and its stylesheet into content-hashed files under <out>/assets/, writes <out>/index.html
// pointing at them, and a gzip twin of every text asset. Deterministic: the same sources give the
// same bytes. Usage: node build.mjs --out DIR
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
if (outIndex < 0 || !process.argv[outIndex + 1]) {
  console.error('build.mjs: usage: node build.mjs --out DIR');
  process.exit(2);
}
const out = process.argv[outIndex + 1];
const assets = join(out, 'assets');
rmSync(assets, { recursive: true, force: true });  // names change with content: drop old builds
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: [join(here, 'web/src/main.js')],
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  entryNames: 'dashboard-[hash]',
  assetNames: '[name]-[hash]',
  outdir: assets,
  metafile: true,
  legalComments: 'linked',  // Chart.js's MIT notice ships beside the bundle
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
if (!script || !style) throw new Error(`build.mjs: esbuild produced no script or stylesheet: ${outputs}`);

const iconSource = readFileSync(join(here, 'web/favicon.svg'));
const icon = `favicon-${createHash('sha256').update(iconSource).digest('hex').slice(0, 8)}.svg`;
writeFileSync(join(assets, icon), iconSource);

const page = readFileSync(join(here, 'web/index.html'), 'utf8')
  .replaceAll('{{script}}', `/assets/dashboard-web/${script}`)
  .replaceAll('{{style}}', `/assets/dashboard-web/${style}`)
  .replaceAll('{{icon}}', `/assets/dashboard-web/${icon}`);
writeFileSync(join(out, 'index.html'), page);

// Precompressed twins: the host serves them to clients that accept gzip (no work per request).
for (const name of readdirSync(assets)) {
  if (!['.js', '.css', '.svg', '.map', '.txt'].includes(extname(name))) continue;
  const bytes = readFileSync(join(assets, name));
  if (bytes.length < 1024) continue;
  writeFileSync(join(assets, `${name}.gz`), gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }));
}
console.log(`dashboard-web: bundle in ${out} (${script}, ${style})`);
