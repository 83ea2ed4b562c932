// Runs MyLog as a child process the way production does (src/server.ts: services from URLs,
// migrations, buildApp, listen, signals), so tests can SIGKILL it and start it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../../../src/infra/embedded/process-state.ts';
import { SERVER_V8_FLAGS } from '../../../src/server-v8-flags.ts';
import { reapWhenThisProcessExits } from '../../helpers/reaper.ts';

const SERVER = fileURLToPath(new URL('../../../src/server.ts', import.meta.url));

/** A loopback port nobody listens on (the embedded services pick theirs the same way). */
export const freePort = (): Promise<number> => findFreePort();

export interface MyLogProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startMyLogProcess(
  env: Record<string, string>,
  options: { waitForHttp?: boolean; startTimeoutMs?: number } = {},
): Promise<MyLogProcess> {
  const child = spawn(process.execPath, [...SERVER_V8_FLAGS, '--import', 'tsx', SERVER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A test killed by tap's timeout runs no teardown: the server must not outlive it.
  reapWhenThisProcessExits([child.pid]);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${env.PORT}`;
  if (options.waitForHttp ?? true) {
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mylog exited early:\n${output}`);
      const ok = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`mylog did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } else {
    await new Promise((r) => setTimeout(r, 3_000));
  }
  return {
    child,
    url,
    output: () => output,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
