// `npm test`: starts one Postgres and one Redis for the whole run, runs tap over the suite with their
// URLs in the environment, stops them, and ends with the line CI reads: `N passed, N failed`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/infra/embedded/embedded-postgres.ts';
import { startEmbeddedRedis } from '../src/infra/embedded/embedded-redis.ts';
import { reapWhenThisProcessExits } from '../test/helpers/reaper.ts';
import { makeTempDir } from '../test/helpers/services.ts';

async function main(): Promise<number> {
  const dir = makeTempDir('testrun');
  const started = Date.now();
  const [postgres, redis] = await Promise.all([
    process.env.TEST_DATABASE_URL
      ? undefined
      : startEmbeddedPostgres({
          dir: path.join(dir, 'postgres'),
          database: 'postgres',
          adopt: true,
        }),
    process.env.TEST_REDIS_URL
      ? undefined
      : startEmbeddedRedis({ dir: path.join(dir, 'redis'), adopt: true }),
  ]);
  reapWhenThisProcessExits([postgres?.pid, redis?.pid], dir);
  const env = {
    ...process.env,
    TEST_DATABASE_URL: process.env.TEST_DATABASE_URL ?? (postgres?.url as string),
    TEST_REDIS_URL: process.env.TEST_REDIS_URL ?? (redis?.url as string),
  };
  process.stdout.write(`test services ready in ${Date.now() - started} ms\n`);
  let output = '';
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npx', ['tap', ...process.argv.slice(2)], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  await Promise.allSettled([postgres?.stop(), redis?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
  // tap's base reporter ends with e.g. "# { total: 12, pass: 11, fail: 1 }"
  const summary = /#\s*\{([^}]*)\}\s*$/m.exec(output.trimEnd().split('\n').slice(-5).join('\n'));
  const count = (name: string): number =>
    Number(new RegExp(`${name}:\\s*(\\d+)`).exec(summary?.[1] ?? '')?.[1] ?? 0);
  const failed = count('fail') + (code !== 0 && count('fail') === 0 ? 1 : 0);
  process.stdout.write(
    `\n${count('pass')} passed, ${failed} failed${count('skip') ? `, ${count('skip')} skipped` : ''}\n`,
  );
  process.stdout.write(`test run took ${Math.round((Date.now() - started) / 1000)} s\n`);
  printSlowestFiles(10, started);
  return code;
}

/** The CI budget is 30 minutes: name the files that spend it (tap keeps each file's output). */
function printSlowestFiles(count: number, since: number): void {
  const root = '.tap/test-results';
  if (!fs.existsSync(root)) return;
  const times = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.tap') && fs.statSync(path.join(root, file)).mtimeMs >= since)
    .map((file) => {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const ms = Number([...text.matchAll(/^# time=([\d.]+)ms/gm)].at(-1)?.[1] ?? 0);
      return { file: file.replace(/\.tap$/, ''), ms };
    })
    .sort((a, b) => b.ms - a.ms);
  const total = times.reduce((sum, { ms }) => sum + ms, 0);
  process.stdout.write(`slowest files (of ${Math.round(total / 1000)} s in all files):\n`);
  for (const { file, ms } of times.slice(0, count))
    process.stdout.write(`  ${(ms / 1000).toFixed(0).padStart(5)} s  ${file}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `test runner failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
