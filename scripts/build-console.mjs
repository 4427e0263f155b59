// Builds the web console into dist/console/ (or the folder given): app.ts bundled for the
// browser with the AWS SDK (esbuild), beside its HTML and CSS. Run by `npm run build`.
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import process from 'node:process';

const out = process.argv[2] ?? 'dist/console';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/console/app.ts'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: `${out}/app.js`,
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css']) cpSync(`src/console/${file}`, `${out}/${file}`);
