import { spawnSync } from 'node:child_process';

/** True when `cmd` runs (exit 0) with `args`: used to decide whether an optional tool is here. */
export function hasCommand(cmd: string, args: string[] = ['--version']): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}
