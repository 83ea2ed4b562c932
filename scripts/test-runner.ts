// Runs tap test files as plain `node --import tsx <file>` processes, a few at a time. tap's own
// runner adds two loader hooks (@tapjs/mock, @tapjs/processinfo) to every test process and, through
// NODE_OPTIONS, to every server and CLI process a test spawns: importing the app took 4.2 s with
// them and 3.0 s without on an idle box. Coverage runs still use `npx tap` (buildspec.yml), which
// needs processinfo.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** tap's own default when a file does not set one (`t.setTimeout` in a file still wins). */
export const DEFAULT_FILE_TIMEOUT_S = 300;
/** Files that raise their own timeout can run this long before the runner kills them. */
export const HARD_LIMIT_S = 20 * 60;
// Measured on the 2-core CI host: with 3 files at a time the suite used 1.5 cores on average
// (most files wait on timers, servers and polls), so a fourth file fits; browser files are the
// exception and are held to two at a time.
export const DEFAULT_JOBS = 4;
export const DEFAULT_BROWSER_JOBS = 2;
/** A failing file's output is printed up to this many bytes (the whole of it is kept on disk). */
const MAX_FAILURE_OUTPUT_BYTES = 256 * 1024;

export interface RunOptions {
  files: string[];
  jobs: number;
  /** At most this many browser (test/e2e) files at once, within `jobs`. */
  browserJobs: number;
  timeoutS: number;
  env: NodeJS.ProcessEnv;
  /** Where each file's TAP output is kept: `<resultsDir>/<file>.tap`. */
  resultsDir: string;
  write: (line: string) => void;
}

function outputFile(resultsDir: string, file: string): string {
  return path.join(resultsDir, `${file}.tap`);
}

export interface FileResult {
  file: string;
  pass: number;
  fail: number;
  skip: number;
  ms: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunSummary {
  pass: number;
  fail: number;
  skip: number;
  files: FileResult[];
}

/**
 * The counts tap prints last when it is the process's root test, e.g.
 * `# { total: 12, pass: 11, fail: 1, skip: 2 }`. A file that ends without one, or exits non-zero
 * with no failure counted, counts one failure so that a crash is never a pass.
 */
export function countsOf(
  output: string,
  exitCode: number | null,
): Omit<FileResult, 'file' | 'ms' | 'exitCode' | 'signal'> {
  const summaries = [...output.matchAll(/^# \{([^}]*)\}\s*$/gm)];
  const last = summaries.at(-1)?.[1] ?? '';
  const count = (name: string): number =>
    Number(new RegExp(`\\b${name}:\\s*(\\d+)`).exec(last)?.[1] ?? 0);
  const fail = count('fail');
  const failed = fail + ((exitCode !== 0 || !last) && fail === 0 ? 1 : 0);
  return { pass: count('pass'), fail: failed, skip: count('skip') };
}

/** Files named as they are, and the `.test.ts` files under directories; sorted, each once. */
export function findTestFiles(paths: string[]): string[] {
  const found: string[] = [];
  for (const entry of paths) {
    if (fs.statSync(entry).isFile()) {
      found.push(entry);
      continue;
    }
    for (const file of fs.readdirSync(entry, { recursive: true, encoding: 'utf8' }))
      if (file.endsWith('.test.ts')) found.push(path.join(entry, file));
  }
  return [...new Set(found.map((file) => path.normalize(file)))].sort();
}

/** The slowest files first (by their last run's time, when known) so the run does not end on one long file. */
export function longestFirst(files: string[], resultsDir: string): string[] {
  const lastMs = (file: string): number => {
    const tap = outputFile(resultsDir, file);
    if (!fs.existsSync(tap)) return Infinity;
    const times = [...fs.readFileSync(tap, 'utf8').matchAll(/^# time=([\d.]+)ms/gm)];
    return Number(times.at(-1)?.[1] ?? Infinity);
  };
  const known = new Map(files.map((file) => [file, lastMs(file)]));
  // Unknown files keep their (alphabetical) place ahead of the known ones: new files are often slow.
  return [...files].sort(
    (a, b) => (known.get(b) as number) - (known.get(a) as number) || a.localeCompare(b),
  );
}

/** Process groups of the files running now: a Ctrl-C of the runner must reach them too. */
const running = new Set<number>();
let interrupted = false;

function stopRunningFilesOn(signal: NodeJS.Signals): () => void {
  const onSignal = (): void => {
    interrupted = true;
    for (const pid of running) killGroup(pid, 'SIGTERM');
    // Their close handlers still run; the second Ctrl-C gets Node's default (exit now).
    process.removeListener(signal, onSignal);
  };
  process.on(signal, onSignal);
  return () => process.removeListener(signal, onSignal);
}

export async function runTestFiles(options: RunOptions): Promise<RunSummary> {
  const stops = (['SIGINT', 'SIGTERM'] as const).map((signal) => stopRunningFilesOn(signal));
  try {
    return await runQueue(options);
  } finally {
    for (const stop of stops) stop();
  }
}

async function runQueue(options: RunOptions): Promise<RunSummary> {
  const queue = [...options.files];
  const results: FileResult[] = [];
  let active = 0;
  let browsers = 0;
  await new Promise<void>((resolve) => {
    const startWhatFits = (): void => {
      while (!interrupted && active < options.jobs) {
        const next = queue.findIndex(
          (file) => !isBrowserFile(file) || browsers < options.browserJobs,
        );
        if (next < 0) break;
        const [file] = queue.splice(next, 1) as [string];
        const browser = isBrowserFile(file);
        active += 1;
        if (browser) browsers += 1;
        void runOne(file, options).then((result) => {
          active -= 1;
          if (browser) browsers -= 1;
          results.push(result);
          report(result, results.length, options);
          startWhatFits();
        });
      }
      if (active === 0) resolve();
    };
    startWhatFits();
  });
  const total = (key: 'pass' | 'fail' | 'skip'): number =>
    results.reduce((sum, r) => sum + r[key], 0);
  return { pass: total('pass'), fail: total('fail'), skip: total('skip'), files: results };
}

/** Browser files run Chromium and a server each and keep both cores busy; the rest mostly wait. */
export function isBrowserFile(file: string): boolean {
  return file.split(path.sep).includes('e2e');
}

function report(result: FileResult, done: number, options: RunOptions): void {
  const status = result.fail ? 'FAIL' : 'ok  ';
  options.write(
    `${status} ${`[${done}/${options.files.length}]`.padEnd(10)} ${(result.ms / 1000).toFixed(0).padStart(4)} s  ${result.file}  (${result.pass} passed${result.fail ? `, ${result.fail} failed` : ''})\n`,
  );
  if (result.fail) options.write(failureReport(result, options.resultsDir));
}

function runOne(file: string, options: RunOptions): Promise<FileResult> {
  const out = outputFile(options.resultsDir, file);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const sink = fs.openSync(out, 'w');
  const started = Date.now();
  // Its own process group, so that a runaway file is stopped with the servers it spawned.
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...options.env, TAP_TIMEOUT: String(options.timeoutS) },
    stdio: ['ignore', sink, sink],
    detached: true,
  });
  if (child.pid !== undefined) running.add(child.pid);
  const limitS = Math.max(HARD_LIMIT_S, options.timeoutS + 60);
  const killer = setTimeout(() => {
    fs.appendFileSync(out, `\n# runner: killed after ${limitS} s\n`);
    killGroup(child.pid, 'SIGKILL');
  }, limitS * 1000);
  return new Promise((resolve) => {
    child.on('close', (exitCode, signal) => {
      clearTimeout(killer);
      if (child.pid !== undefined) running.delete(child.pid);
      fs.closeSync(sink);
      // Servers a file forgot to stop must not outlive it and hold ports or CPU for the next files.
      killGroup(child.pid, 'SIGKILL');
      const ms = Date.now() - started;
      const counts = countsOf(fs.readFileSync(out, 'utf8'), signal ? null : exitCode);
      resolve({ file, ms, exitCode, signal, ...counts });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function failureReport(result: FileResult, resultsDir: string): string {
  const out = outputFile(resultsDir, result.file);
  const text = fs.readFileSync(out, 'utf8');
  const shown =
    text.length > MAX_FAILURE_OUTPUT_BYTES ? `…\n${text.slice(-MAX_FAILURE_OUTPUT_BYTES)}` : text;
  const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
  return `---- ${result.file} (${how}; output kept in ${out}) ----\n${shown}\n---- end of ${result.file} ----\n`;
}
