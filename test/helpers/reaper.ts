// Test runs start their own Postgres and Redis. Those are daemons on purpose (in production they
// must outlive a crashed MyLog), so nothing stops them when a test process is killed or exits
// without running its teardown. A tiny detached watcher stops them once this process is gone.
import { spawn } from 'node:child_process';

const WATCHER = `
const [parent, dir, ...pids] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(Number(pid), 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  // SIGINT: Redis shuts down cleanly, Postgres does a fast shutdown.
  for (const pid of pids) if (alive(pid)) process.kill(Number(pid), 'SIGINT');
  setTimeout(() => {
    for (const pid of pids) if (alive(pid)) process.kill(Number(pid), 'SIGKILL');
    if (dir) require('node:fs').rmSync(dir, { recursive: true, force: true });
  }, 5000);
}, 500);
`;

/** Stops `pids` (and removes `dir`) once the current process has exited, however it exited. */
export function reapWhenThisProcessExits(pids: (number | undefined)[], dir?: string): void {
  const live = pids.filter((pid): pid is number => pid !== undefined).map(String);
  if (live.length === 0) return;
  const watcher = spawn(
    process.execPath,
    ['-e', WATCHER, String(process.pid), dir ?? '', ...live],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watcher.unref();
}

/**
 * Removes `dir` once the current process has exited (GNU tail's --pid waits for it without
 * polling processes of its own), for files that must outlive everything the process runs.
 */
export function removeWhenThisProcessHasExited(dir: string): void {
  const remover = spawn(
    'sh',
    ['-c', 'tail --pid="$0" -f /dev/null; rm -rf "$1"', String(process.pid), dir],
    { detached: true, stdio: 'ignore' },
  );
  remover.unref();
}
