// CPU time of this process per thread name, from /proc/self/task (Linux; elsewhere empty). The
// server, chdb's insert and merge pools and V8's helpers share one process, and
// process.cpuUsage() sums them: this splits a scenario's CPU into who spent it.
import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux Node runs on). */
const TICKS_PER_S = 100;

/** CPU µs by thread, keyed by thread id and name (a name is shared by a pool's threads). */
export type ThreadCpu = Map<string, number>;

export function threadCpu(): ThreadCpu {
  const out: ThreadCpu = new Map();
  if (os.platform() !== 'linux') return out;
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'latin1');
      // The name sits in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
      const ticks = Number(fields[11]) + Number(fields[12]);
      out.set(`${tid} ${name}`, (ticks / TICKS_PER_S) * 1e6);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** What a thread name is, for the report: the main thread, chdb's pools, or Node's helpers. */
function groupOf(name: string, tid: string): string {
  if (tid === String(process.pid)) return 'main';
  if (/^MergeMutate|^Merge/.test(name)) return 'chdb merges';
  if (/^(ThreadPool|RuntimeData|QueryPipeline|Insert|TCPHandler|Pipeline)/.test(name))
    return 'chdb queries';
  // V8's platform workers (concurrent GC marking, compilation) and libuv's pool, where chdb's
  // Node binding runs each query, keep the process's name on Node 20: they cannot be told apart.
  if (/^(node|libuv-worker|V8|DelayedTask|SignalInspector)/.test(name))
    return 'V8 workers + libuv pool (GC marking, chdb calls)';
  return 'chdb other';
}

/** CPU µs spent between two readings, per group, largest first. */
export function threadCpuSpent(before: ThreadCpu, after: ThreadCpu): [string, number][] {
  const groups = new Map<string, number>();
  for (const [key, us] of after) {
    const space = key.indexOf(' ');
    const group = groupOf(key.slice(space + 1), key.slice(0, space));
    groups.set(group, (groups.get(group) ?? 0) + us - (before.get(key) ?? 0));
  }
  return [...groups].filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]);
}
