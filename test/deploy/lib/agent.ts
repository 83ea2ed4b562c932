// A stand-in for the CodeDeploy agent on one "instance": unpack a revision bundle, copy its
// files where appspec.yml says (with /opt/mylog mapped to a temp dir), and run the lifecycle
// hooks in order from the unpacked bundle, with the environment the agent gives them and the
// timeouts appspec.yml sets. The hook scripts themselves run unmodified, in process mode.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const PRODUCTION_ROOT = '/opt/mylog';

export interface Instance {
  /** Stands in for /opt/mylog on this instance. */
  root: string;
  /** Stands in for /etc/mylog/env. */
  envFile: string;
  /** Where this instance's agent unpacks bundles. */
  agentDir: string;
}

export interface HookResult {
  event: string;
  code: number | null;
  output: string;
  ms: number;
}

export function makeInstance(dir: string, appEnv: Record<string, string>): Instance {
  const instance = {
    root: path.join(dir, 'opt-mylog'),
    envFile: path.join(dir, 'etc-mylog-env'),
    agentDir: path.join(dir, 'codedeploy-agent'),
  };
  fs.mkdirSync(instance.agentDir, { recursive: true });
  writeEnvFile(instance.envFile, appEnv);
  return instance;
}

export function writeEnvFile(file: string, env: Record<string, string>): void {
  const lines = Object.entries(env).map(([k, v]) => `${k}='${v.replaceAll("'", "'\\''")}'`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/** tar.gz of a directory, the way the revision travels. */
export function packBundle(stageDir: string, outFile: string): void {
  const r = spawnSync('tar', ['-czf', outFile, '-C', stageDir, '.'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
}

interface Appspec {
  files?: Array<{ source: string; destination: string }>;
  hooks: Record<string, Array<{ location: string; timeout?: number }>>;
}

export async function deploy(
  instance: Instance,
  bundle: string,
  deploymentId: string,
  options: { extraEnv?: Record<string, string>; onHook?: (r: HookResult) => void } = {},
): Promise<{ ok: boolean; results: HookResult[] }> {
  const archive = path.join(instance.agentDir, deploymentId, 'deployment-archive');
  fs.mkdirSync(archive, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', bundle, '-C', archive], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`untar failed: ${untar.stderr}`);
  const appspec = YAML.parse(fs.readFileSync(path.join(archive, 'appspec.yml'), 'utf8')) as Appspec;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DEPLOYMENT_ID: deploymentId,
    DEPLOYMENT_GROUP_NAME: 'mylog-rehearsal-bluegreen',
    APPLICATION_NAME: 'mylog-rehearsal',
    MYLOG_ROOT: instance.root,
    MYLOG_ENV_FILE: instance.envFile,
    MYLOG_SUPERVISOR: 'process',
    MYLOG_LOG_TO_JOURNAL: '0',
    MYLOG_NODE: process.execPath,
    ...options.extraEnv,
  };
  // The test runner's own loader and settings must not leak into the app the hooks start.
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('TAP')) delete env[k];

  const results: HookResult[] = [];
  // The agent installs files between BeforeInstall and AfterInstall.
  const order = [
    'ApplicationStop',
    'BeforeInstall',
    'Install',
    'AfterInstall',
    'ApplicationStart',
    'ValidateService',
  ];
  for (const event of order) {
    if (event === 'Install') {
      for (const f of appspec.files ?? [])
        copyFiles(archive, f.source, mapPath(instance, f.destination));
      continue;
    }
    for (const hook of appspec.hooks[event] ?? []) {
      const r = await runHook(
        path.join(archive, hook.location),
        { ...env, LIFECYCLE_EVENT: event },
        (hook.timeout ?? 3600) * 1000,
      );
      const result = { event, ...r };
      results.push(result);
      options.onHook?.(result);
      if (r.code !== 0) return { ok: false, results };
    }
  }
  return { ok: true, results };
}

export function mapPath(instance: Instance, p: string): string {
  if (p !== PRODUCTION_ROOT && !p.startsWith(`${PRODUCTION_ROOT}/`)) {
    throw new Error(`appspec destination ${p} is outside ${PRODUCTION_ROOT}`);
  }
  return path.join(instance.root, p.slice(PRODUCTION_ROOT.length));
}

function copyFiles(archive: string, source: string, destination: string): void {
  fs.mkdirSync(destination, { recursive: true });
  const from = path.join(archive, source);
  for (const entry of fs.readdirSync(from)) {
    fs.cpSync(path.join(from, entry), path.join(destination, entry), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
}

/** Runs a hook script (or any command) like the agent: its own process group, killed on timeout. */
export function runHook(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
  args: string[] = [],
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(script, args, {
      env,
      cwd: path.dirname(script),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}
