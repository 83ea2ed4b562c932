// Another process's CPU time and memory, read from /proc (Linux): what benches measure of a
// server they run as a child.
import fs from 'node:fs';

/** Linux's USER_HZ: /proc counts CPU time in ticks of 10 ms. */
const TICKS_PER_S = 100;

/** CPU time (utime + stime) process `pid` has used, µs. */
export function cpuMicros(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_S;
}

export interface ProcessMemory {
  /** Resident set, MiB: the anonymous and the file-backed pages. */
  rss: number;
  anon: number;
  file: number;
}

export function processMemory(pid: number): ProcessMemory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: mib('VmRSS'), anon: mib('RssAnon'), file: mib('RssFile') };
}
