// `npm start` and the e2e tests call this: builds the SPA (src/web → src/web/dist) when the build is
// missing or older than its sources, so a fresh clone (or a pull) serves the current web app
// without a separate build step.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(root, 'src', 'web');
const index = path.join(webDir, 'dist', 'index.html');
// The SPA also compiles the shared query-language parser, so its sources count too.
const sourceDirs = [webDir, path.join(root, 'src', 'modules', 'search', 'query-language')];

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestSourceMs(full) : fs.statSync(full).mtimeMs,
    );
  }
  return newest;
}

export function webBuildIsCurrent(): boolean {
  if (!fs.existsSync(index)) return false;
  const built = fs.statSync(index).mtimeMs;
  return sourceDirs.every((dir) => !fs.existsSync(dir) || newestSourceMs(dir) <= built);
}

export function ensureWebBuild(options: { quiet?: boolean } = {}): void {
  if (webBuildIsCurrent()) return;
  if (!options.quiet) process.stderr.write('mylog: building the web app (npm run build:web)…\n');
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [
      vite,
      'build',
      '--config',
      path.join(root, 'src', 'web', 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: options.quiet ? 'pipe' : 'inherit' },
  );
  if (result.status !== 0 || !fs.existsSync(index)) {
    const output = options.quiet ? `${result.stdout}${result.stderr}` : '';
    throw new Error(`building the web app failed (exit ${result.status})\n${output}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureWebBuild();
  } catch (error) {
    process.stderr.write(`mylog: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
