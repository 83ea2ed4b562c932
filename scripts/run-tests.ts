// `npm test`: starts one Postgres and one Redis for the whole run, runs the tap test files with their
// URLs in the environment (scripts/test-runner.ts), stops them, and ends with the line CI reads:
// `N passed, N failed`.
import fs from 'node:fs';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/infra/embedded/embedded-postgres.ts';
import { startEmbeddedRedis } from '../src/infra/embedded/embedded-redis.ts';
import { reapWhenThisProcessExits } from '../test/helpers/reaper.ts';
import { makeTempDir } from '../test/helpers/services.ts';
import {
  DEFAULT_BROWSER_JOBS,
  DEFAULT_FILE_TIMEOUT_S,
  DEFAULT_JOBS,
  type FileResult,
  findTestFiles,
  longestFirst,
  runTestFiles,
} from './test-runner.ts';

const USAGE = `Usage: npm test [-- [--jobs=N] [--browser-jobs=N] [--timeout=SECONDS] [FILE_OR_DIR ...]]

Runs the tap test files (default: every *.test.ts under test/) on one embedded Postgres and one
Redis started for the run (TEST_DATABASE_URL / TEST_REDIS_URL use existing ones instead).

  --jobs=N           files run side by side (default ${DEFAULT_JOBS}; TEST_JOBS also sets it)
  --browser-jobs=N   of which browser (test/e2e) files at most (default ${DEFAULT_BROWSER_JOBS})
  --timeout=SECONDS  a file's time limit unless it sets its own (default ${DEFAULT_FILE_TIMEOUT_S})
  --help             this text

Each file's TAP output is kept in .tap/test-results/<file>.tap; a failing file's is also printed.
`;

interface Args {
  jobs: number;
  browserJobs: number;
  timeoutS: number;
  paths: string[];
}

function parseArgs(argv: string[]): Args | 'help' {
  const args: Args = {
    jobs: Number(process.env.TEST_JOBS ?? DEFAULT_JOBS),
    browserJobs: DEFAULT_BROWSER_JOBS,
    timeoutS: DEFAULT_FILE_TIMEOUT_S,
    paths: [],
  };
  for (const arg of argv) {
    const [flag, value] = arg.split('=', 2) as [string, string | undefined];
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--jobs') args.jobs = Number(value);
    else if (flag === '--browser-jobs') args.browserJobs = Number(value);
    else if (flag === '--timeout') args.timeoutS = Number(value);
    else if (flag.startsWith('-')) throw new Error(`unknown option ${arg} (see --help)`);
    else if (!fs.existsSync(arg)) throw new Error(`no such test file or directory: ${arg}`);
    else args.paths.push(arg);
  }
  for (const [name, value] of [
    ['--jobs', args.jobs],
    ['--browser-jobs', args.browserJobs],
  ] as const)
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} wants a whole number ≥ 1`);
  if (!(args.timeoutS > 0)) throw new Error('--timeout wants a number of seconds > 0');
  if (!args.paths.length) args.paths.push('test');
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
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
  const resultsDir = '.tap/test-results';
  const files = longestFirst(findTestFiles(args.paths), resultsDir);
  process.stdout.write(
    `${files.length} test files, ${args.jobs} at a time (browser files ${args.browserJobs})\n`,
  );
  const summary = await runTestFiles({
    files,
    jobs: args.jobs,
    browserJobs: args.browserJobs,
    timeoutS: args.timeoutS,
    env,
    resultsDir,
    write: (line) => process.stdout.write(line),
  });
  await Promise.allSettled([postgres?.stop(), redis?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
  const failedFiles = summary.files.filter((file) => file.fail).map((file) => file.file);
  if (failedFiles.length) process.stdout.write(`\nfailed files:\n  ${failedFiles.join('\n  ')}\n`);
  const notRun = files.length - summary.files.length;
  if (notRun) process.stdout.write(`interrupted: ${notRun} of ${files.length} files not run\n`);
  process.stdout.write(
    `\n${summary.pass} passed, ${summary.fail} failed${summary.skip ? `, ${summary.skip} skipped` : ''}\n`,
  );
  process.stdout.write(`test run took ${Math.round((Date.now() - started) / 1000)} s\n`);
  printSlowestFiles(summary.files, 10);
  return summary.fail || notRun ? 1 : 0;
}

/** The CI budget is 30 minutes: name the files that spend it. */
function printSlowestFiles(files: FileResult[], count: number): void {
  const total = files.reduce((sum, { ms }) => sum + ms, 0);
  process.stdout.write(`slowest files (of ${Math.round(total / 1000)} s in all files):\n`);
  for (const { file, ms } of [...files].sort((a, b) => b.ms - a.ms).slice(0, count))
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
