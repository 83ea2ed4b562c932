import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The folder holding package.json, whether we run from src/ (tsx) or from the compiled dist/. */
export const projectRoot: string = (() => {
  let dir = here;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${here}`);
    dir = parent;
  }
  return dir;
})();

/** Compiled runs load the compiled migrations; source runs (tsx) load the .ts files. */
export const runningFromSource: boolean = import.meta.url.endsWith('.ts');

export const postgresMigrationsDir = runningFromSource
  ? path.join(projectRoot, 'migrations')
  : path.join(projectRoot, 'dist', 'migrations');

export const clickhouseMigrationsDir = path.join(projectRoot, 'clickhouse');
