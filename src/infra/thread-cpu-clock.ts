// The CPU time of the calling thread. process.cpuUsage() is getrusage(RUSAGE_SELF): the sum over
// every thread of the process, so in the server it also counts chdb's insert and merge threads and
// runs faster than the wall clock whenever they are busy. The decode budget measured with it could
// refuse an honest request for CPU that other threads used. Linux keeps each thread's time on the
// CPU, in ns, as the first field of its schedstat file: one pread of a file opened once per thread
// (module state is per thread: workers get their own). About as cheap as process.cpuUsage (3-5 µs).
import fs from 'node:fs';

const scratch = Buffer.alloc(64);
/** The schedstat file of this thread, or null where there is none (other OSes, older kernels). */
let schedstat: number | null | undefined;

function readSchedstatMicros(fd: number): number {
  const length = fs.readSync(fd, scratch, 0, scratch.length, 0);
  const space = scratch.indexOf(0x20);
  const ns = space > 0 && space < length ? Number(scratch.toString('latin1', 0, space)) : NaN;
  if (!Number.isFinite(ns)) throw new Error('unexpected schedstat format');
  return ns / 1000;
}

function openSchedstat(): number | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync('/proc/thread-self/schedstat', 'r');
    readSchedstatMicros(fd);
    return fd;
  } catch {
    if (fd !== undefined) fs.closeSync(fd);
    return null;
  }
}

/**
 * Microseconds of CPU this thread has used, from an arbitrary origin: compare two readings of one
 * thread. Falls back to the whole process's (process.cpuUsage) where the OS has no thread clock.
 */
export function threadCpuMicros(): number {
  if (schedstat === undefined) schedstat = openSchedstat();
  if (schedstat !== null) return readSchedstatMicros(schedstat);
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}
