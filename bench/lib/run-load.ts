// Runs the load generator (./load-generator.ts) in a child process, so the senders' CPU is not the
// measured process's, and resolves with what it reports.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './load-generator.ts';

export function runLoadInChild(spec: LoadSpec): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-generator.ts', import.meta.url)), {
      execArgv: ['--import', 'tsx'],
    });
    child.once('message', (message) => resolve(message as LoadResult));
    child.once('error', reject);
    child.send(spec);
  });
}
