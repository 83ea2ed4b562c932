// Issue 21 item 1: a fatal error ends the process so a supervisor replaces it. A heap exhaustion
// with chdb loaded used to hang for minutes after "Reached heap limit" (alive at 336 s).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const CHILD = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'heap-exhaustion-child.ts',
);

function runChild(mode: string, heapMb: number, limitMs: number) {
  return new Promise<{ code: number | null; signal: string | null; ms: number; out: string }>(
    (resolve) => {
      const started = Date.now();
      const child = spawn(
        process.execPath,
        [`--max-old-space-size=${heapMb}`, '--import', 'tsx', CHILD, mode],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STALL_MS: '2000' } },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
      child.on('exit', (code, signal) => {
        clearTimeout(guard);
        resolve({ code, signal, ms: Date.now() - started, out });
      });
    },
  );
}

t.test('a heap exhaustion ends the process promptly, non-zero', async (t) => {
  const result = await runChild('oom', 128, 90_000);
  t.match(result.out, /ready/, 'the child got as far as allocating');
  t.ok(result.ms < 60_000, `exited after ${result.ms} ms`);
  t.ok(result.code !== 0, `non-zero exit (code ${result.code}, signal ${result.signal})`);
  t.match(result.out, /mylog: fatal/, 'says why it died');
});

t.test('an uncaught exception ends the process with a fatal line', async (t) => {
  const result = await runChild('throw', 256, 60_000);
  t.equal(result.code, 70, result.out);
  t.match(result.out, /mylog: fatal.*an uncaught error/s);
});
