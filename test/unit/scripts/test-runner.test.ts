// scripts/test-runner.ts, the runner behind `npm test`: real tap files in real processes. A file
// that fails, crashes without tap's summary or overruns its time limit is counted as failing, never
// as passing, and a file's leftover processes are stopped with it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { makeTempDir } from '../../helpers/services.ts';
import {
  countsOf,
  findTestFiles,
  isBrowserFile,
  longestFirst,
  runTestFiles,
} from '../../../scripts/test-runner.ts';

const TAP = import.meta.resolve('tap');

function writeFiles(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, body]) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `import t from '${TAP}';\n${body}\n`);
    return file;
  });
}

t.test('counts passes and failures, and a crash or a timeout as a failure', async (t) => {
  const dir = makeTempDir('runner');
  const pidFile = path.join(dir, 'orphan.pid');
  const [pass, fail, crash, slow, orphan] = writeFiles(dir, {
    'pass.test.ts': `t.pass('a'); t.pass('b');`,
    'fail.test.ts': `t.pass('a'); t.fail('b');`,
    'crash.test.ts': `t.pass('a'); setTimeout(() => process.kill(process.pid, 'SIGKILL'), 50);`,
    'slow.test.ts': `t.test('never ends', () => new Promise(() => setInterval(() => {}, 1000)));`,
    // A process the file starts and never stops (like a server left running).
    'orphan.test.ts': `import { spawn } from 'node:child_process'; import fs from 'node:fs';
const child = spawn('sleep', ['600'], { stdio: 'ignore' });
child.unref();
fs.writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));
t.pass('started');`,
  }) as [string, string, string, string, string];
  const lines: string[] = [];
  const resultsDir = path.join(dir, 'results');
  const summary = await runTestFiles({
    files: [pass, fail, crash, slow, orphan],
    jobs: 2,
    browserJobs: 2,
    timeoutS: 2,
    env: process.env,
    resultsDir,
    write: (line) => lines.push(line),
  });
  const byName = new Map(summary.files.map((r) => [path.basename(r.file), r]));
  t.match(byName.get('pass.test.ts'), { pass: 2, fail: 0, exitCode: 0 });
  t.match(byName.get('fail.test.ts'), { pass: 1, fail: 1 });
  t.match(byName.get('crash.test.ts'), { fail: 1, signal: 'SIGKILL' });
  t.ok((byName.get('slow.test.ts')?.fail ?? 0) >= 1, 'a file past its time limit fails');
  t.ok((byName.get('slow.test.ts')?.ms ?? Infinity) < 30_000, 'and is stopped, not waited for');
  t.match(byName.get('orphan.test.ts'), { pass: 1, fail: 0 });
  t.equal(summary.pass, 2 + 1 + 1, 'a file killed before its summary counts no passes');
  t.ok(summary.fail >= 3);
  const orphanPid = Number(fs.readFileSync(pidFile, 'utf8'));
  t.throws(
    () => process.kill(orphanPid, 0),
    { code: 'ESRCH' },
    'the process it left behind is stopped',
  );
  t.ok(fs.existsSync(path.join(resultsDir, `${fail}.tap`)), 'each file keeps its TAP output');
  const failLine = lines.find((line) => line.includes('fail.test.ts') && line.startsWith('FAIL'));
  t.ok(failLine, 'a failing file is named');
  t.ok(
    lines.some((line) => line.includes('not ok') && line.includes(`---- ${fail}`)),
    'and its output printed',
  );
});

t.test('browser files run at most browserJobs at a time, the others beside them', async (t) => {
  const dir = makeTempDir('runner-browser');
  const log = path.join(dir, 'spans.log');
  // No top-level await: outside this package, tsx loads a .ts file as CommonJS.
  const span = (name: string): string => `import fs from 'node:fs';
t.test('${name}', async (t) => {
  fs.appendFileSync(${JSON.stringify(log)}, '${name} start ' + Date.now() + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  fs.appendFileSync(${JSON.stringify(log)}, '${name} end ' + Date.now() + '\\n');
  t.pass('${name}');
});`;
  const files = writeFiles(dir, {
    'e2e/a.test.ts': span('a'),
    'e2e/b.test.ts': span('b'),
    'plain.test.ts': span('plain'),
  });
  t.ok(isBrowserFile(files[0] as string));
  t.notOk(isBrowserFile(files[2] as string));
  const summary = await runTestFiles({
    files,
    jobs: 3,
    browserJobs: 1,
    timeoutS: 30,
    env: process.env,
    resultsDir: path.join(dir, 'results'),
    write: () => true,
  });
  t.match(summary, { pass: 3, fail: 0 });
  const at = new Map(
    fs
      .readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([name, what, ms]) => [`${name} ${what}`, Number(ms)]),
  );
  const [a, b, plain] = ['a', 'b', 'plain'].map((name) => ({
    start: at.get(`${name} start`) as number,
    end: at.get(`${name} end`) as number,
  })) as [
    { start: number; end: number },
    { start: number; end: number },
    { start: number; end: number },
  ];
  t.ok(a.end <= b.start || b.end <= a.start, 'the two browser files did not overlap');
  t.ok(
    plain.start < Math.max(a.end, b.end) && plain.end > Math.min(a.start, b.start),
    'the other file ran beside them',
  );
});

t.test('countsOf reads the last summary and never turns a non-zero exit into a pass', async (t) => {
  t.same(countsOf('ok 1\n# { total: 3, pass: 2, fail: 1 }\n# time=5ms\n', 1), {
    pass: 2,
    fail: 1,
    skip: 0,
  });
  t.same(countsOf('# { total: 4, pass: 3, skip: 1 }\n', 0), { pass: 3, fail: 0, skip: 1 });
  t.same(
    countsOf('# { total: 2, pass: 2 }\n', 1),
    { pass: 2, fail: 1, skip: 0 },
    'exit 1, no failure counted',
  );
  t.same(countsOf('ok 1 - started\n', 0), { pass: 0, fail: 1, skip: 0 }, 'no summary at all');
});

t.test(
  'finds the .test.ts files of a directory and orders by the last run, slowest first',
  async (t) => {
    const dir = makeTempDir('runner-order');
    const [a, b, c] = writeFiles(dir, {
      'a.test.ts': '',
      'sub/b.test.ts': '',
      'c.test.ts': '',
    }) as [string, string, string];
    fs.writeFileSync(path.join(dir, 'helper.ts'), '');
    t.same(findTestFiles([dir]), [a, c, b].sort());
    t.same(findTestFiles([a, dir]), [a, c, b].sort(), 'each file once');
    const results = path.join(dir, 'results');
    for (const [file, ms] of [
      [a, 1_000],
      [b, 50_000],
    ] as const) {
      fs.mkdirSync(path.dirname(path.join(results, `${file}.tap`)), { recursive: true });
      fs.writeFileSync(path.join(results, `${file}.tap`), `# time=1ms\n# time=${ms}ms\n`);
    }
    t.same(longestFirst([a, b, c], results), [c, b, a], 'never run first, then the slowest');
  },
);

t.test('npm test --help explains itself', async (t) => {
  const help = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/run-tests.ts', '--help'],
    {
      encoding: 'utf8',
    },
  );
  t.match(help, /--jobs=N/);
  t.match(help, /--timeout=SECONDS/);
});
