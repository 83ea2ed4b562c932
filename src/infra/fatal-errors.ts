// Fatal errors end the process, so the supervisor (systemd, the ALB's health check, a container
// runtime) replaces it instead of routing traffic to a zombie.
//
// Two ways a Node server can die without exiting:
//  - an uncaught exception or rejection that some library's handler swallows: ours exits 70;
//  - V8's out-of-memory abort with chdb loaded: ClickHouse's native signal handler takes the
//    SIGABRT and waits forever (seen alive 336 s after "Reached heap limit"). A watchdog thread,
//    which keeps running while the main thread is stuck, kills the process once the event loop
//    has not turned for `eventLoopStallExitMs`. An event loop stalled that long is a dead server
//    anyway: no request, health check or shutdown signal is being served.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

export interface FatalHandlerOptions {
  /** 0 turns the watchdog off. */
  eventLoopStallExitMs: number;
}

/** EX_SOFTWARE: an internal error, as opposed to a configuration (2) or startup (1) failure. */
export const FATAL_EXIT_CODE = 70;

function fatalLine(text: string): void {
  // Synchronous: the logger's async transport would never get to write it.
  fs.writeSync(2, `mylog: fatal ${text}\n`);
}

// Plain CommonJS evaluated in the thread: no loader, nothing to import from the main module graph.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const beats = new Int32Array(workerData.buffer);
const stallMs = workerData.stallMs;
const stepMs = Math.max(10, Math.min(1000, Math.floor(stallMs / 4)));
let seen = Atomics.load(beats, 0);
let changedAt = Date.now();
for (;;) {
  Atomics.wait(beats, 1, 0, stepMs);
  const now = Date.now();
  const beat = Atomics.load(beats, 0);
  if (beat !== seen) { seen = beat; changedAt = now; continue; }
  if (now - changedAt >= stallMs) {
    fs.writeSync(2, 'mylog: fatal event loop stalled for ' + (now - changedAt) +
      ' ms (heap exhaustion or a blocked loop); killing the process so it is restarted\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}
`;

/** The uncaught-exception exit: installed first thing, so no startup error is swallowed either. */
export function installFatalHandlers(): void {
  process.on('uncaughtException', (error, origin) => {
    fatalLine(
      `${origin}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(FATAL_EXIT_CODE);
  });
}

/**
 * The stall watchdog, armed once the server is ready. Not earlier: building the app (plugin
 * registration and schema compilation, one long run of microtasks) turns no timer, and on a
 * loaded box that run alone took over 30 s of wall time, so a watchdog armed at boot killed
 * healthy servers while they started. A start that hangs is the supervisor's to catch (readiness).
 */
export function startStallWatchdog(options: FatalHandlerOptions): void {
  if (options.eventLoopStallExitMs <= 0) return;
  const buffer = new SharedArrayBuffer(8);
  const beats = new Int32Array(buffer);
  const beatMs = Math.max(5, Math.min(1000, Math.floor(options.eventLoopStallExitMs / 8)));
  setInterval(() => Atomics.add(beats, 0, 1), beatMs).unref();
  const watchdog = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { buffer, stallMs: options.eventLoopStallExitMs },
    // The watchdog needs almost nothing; it must not compete with the server for heap.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
  });
  watchdog.unref();
}
