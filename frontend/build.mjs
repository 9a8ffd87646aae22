// Front-end build: `npm run build` writes service/static/dist/ (see README.md).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';
import * as sass from 'sass';

import { bpmnlintConfigPlugin } from './bpmnlint-config.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'frontend');
const dist = path.join(root, 'service/static/dist');
const modules = path.join(root, 'node_modules');

// Images app.css may reference, looked up in this order.
const IMAGE_DIRS = [
  'govuk-frontend/dist/govuk/assets/images',
  '@ministryofjustice/frontend/moj/assets/images'
].map((dir) => path.join(modules, dir));
// GOV.UK brand image still named in GOV.UK Frontend's CSS but hidden by
// frontend/scss/_brand.scss, so browsers never request it: not shipped.
const NOT_SHIPPED = new Set(['images/govuk-crest.svg']);

async function exists(file) {
  return fs.access(file).then(() => true, () => false);
}

async function buildAppCss() {
  const result = sass.compile(path.join(src, 'scss/app.scss'), {
    loadPaths: [root],
    quietDeps: true,
    style: 'compressed'
  });
  if (/GDS Transport|@font-face/.test(result.css)) {
    throw new Error('app.css must not use the GDS Transport typeface or any web font');
  }
  await fs.writeFile(path.join(dist, 'app.css'), result.css);

  const urls = new Set([...result.css.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1]));
  for (const url of [...urls].filter((u) => !u.startsWith('data:'))) {
    if (NOT_SHIPPED.has(url)) {
      continue;
    }
    if (!url.startsWith('images/')) {
      throw new Error(`app.css refers to unexpected url(${url})`);
    }
    const name = url.slice('images/'.length);
    const from = (await Promise.all(IMAGE_DIRS.map(async (dir) => {
      const file = path.join(dir, name);
      return (await exists(file)) ? file : null;
    }))).find(Boolean);
    if (!from) {
      throw new Error(`app.css refers to ${url}, which no package provides`);
    }
    await fs.mkdir(path.join(dist, 'images'), { recursive: true });
    await fs.copyFile(from, path.join(dist, url));
  }
}

async function buildBundles() {
  const common = {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    outdir: dist,
    logLevel: 'warning',
    target: ['es2020']
  };
  await esbuild.build({
    ...common,
    entryPoints: ['app', 'modeler', 'viewer', 'form-editor'].map((name) => ({ in: `frontend/js/${name}.js`, out: name })),
    format: 'esm',
    sourcemap: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [bpmnlintConfigPlugin({ rcFile: path.join(src, '.bpmnlintrc'), resolveDir: src })]
  });
  await esbuild.build({
    ...common,
    entryPoints: ['modeler', 'viewer'].map((name) => ({ in: `frontend/css/${name}.css`, out: name })),
    // bpmn-js' icon font: copied to dist/bpmn-font/ and url()s rewritten.
    loader: { '.eot': 'file', '.svg': 'file', '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    assetNames: 'bpmn-font/[name]-[hash]'
  });
}

async function listFiles(dir, prefix = '') {
  const files = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    if (entry.isDirectory()) {
      files.push(...await listFiles(path.join(dir, entry.name), `${rel}/`));
    } else {
      files.push(rel);
    }
  }
  return files.sort();
}

async function writeManifest() {
  const manifest = {};
  const sizes = [];
  for (const file of await listFiles(dist)) {
    const data = await fs.readFile(path.join(dist, file));
    sizes.push([file, data.length, gzipSync(data).length]);
    if (!file.endsWith('.map')) {
      manifest[file] = `${file}?v=${createHash('sha256').update(data).digest('hex').slice(0, 8)}`;
    }
  }
  await fs.writeFile(path.join(dist, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return sizes;
}

function printSizes(sizes) {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(11);
  const width = Math.max(...sizes.map(([file]) => file.length));
  console.log(`${'file'.padEnd(width)}  ${'size'.padStart(11)}  ${'gzip'.padStart(11)}`);
  for (const [file, size, gzip] of sizes) {
    console.log(`${file.padEnd(width)}  ${kib(size)}  ${kib(gzip)}`);
  }
}

const started = Date.now();
await fs.rm(dist, { recursive: true, force: true });
await fs.mkdir(dist, { recursive: true });
await Promise.all([buildAppCss(), buildBundles()]);
await fs.copyFile(path.join(modules, 'axe-core/axe.min.js'), path.join(dist, 'axe.min.js'));
printSizes(await writeManifest());
console.log(`built ${path.relative(root, dist)}/ in ${((Date.now() - started) / 1000).toFixed(1)}s`);
