// The thread CPU clock the decode budget reads (src/infra/thread-cpu-clock.ts): it advances with
// this thread's work, stands still while the thread sleeps, never runs ahead of the process's
// clock, and does not count another thread's work.
import { Worker } from 'node:worker_threads';
import t from 'tap';
import { threadCpuMicros } from '../../src/infra/thread-cpu-clock.ts';

const processCpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

t.test('advances with this thread’s work, within the process’s clock', async (t) => {
  const thread0 = threadCpuMicros();
  const process0 = processCpuMicros();
  const wallStart = performance.now();
  // Spin until the clock shows 30 ms of CPU (bounded in wall time for a starved machine).
  let x = 0;
  while (threadCpuMicros() - thread0 < 30_000 && performance.now() - wallStart < 20_000) x += 1;
  const thread = threadCpuMicros() - thread0;
  const processUsed = processCpuMicros() - process0;
  t.ok(x > 0 && thread >= 30_000, `thread clock advanced ${Math.round(thread)} µs while spinning`);
  // process.cpuUsage has µs resolution and is read after: allow 1 ms of rounding.
  t.ok(
    thread <= processUsed + 1_000,
    `thread ${Math.round(thread)} µs ≤ process ${processUsed} µs`,
  );
});

t.test('stands still while the thread sleeps, and ignores another thread’s work', async (t) => {
  // The worker spins until its own thread has had 150 ms of CPU (so a starved machine only makes it
  // slower), reading its clock the way the module does (Linux) or spinning 300 ms of wall time.
  const worker = new Worker(
    `const fs = require('node:fs');
     const own = () => Number(fs.readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1000;
     const linux = process.platform === 'linux';
     const start = linux ? own() : Date.now();
     const wallEnd = Date.now() + 20000;
     let x = 0;
     while (Date.now() < wallEnd && (linux ? own() - start < 150000 : Date.now() - start < 300)) x++;
     require('node:worker_threads').parentPort.postMessage(x);`,
    { eval: true },
  );
  const thread0 = threadCpuMicros();
  const process0 = processCpuMicros();
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const thread = threadCpuMicros() - thread0;
  const processUsed = processCpuMicros() - process0;
  await worker.terminate();
  // This thread only waited for the worker's message.
  t.ok(thread < 100_000, `this thread used ${Math.round(thread)} µs while the worker spun`);
  if (process.platform === 'linux') {
    t.ok(
      processUsed - thread > 50_000,
      `the process used ${processUsed} µs, the worker most of it`,
    );
  }
});
