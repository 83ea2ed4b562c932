// scripts/ensure-system-deps.sh while another apt holds the lock: it retries `apt-get update` and
// lets apt-get wait for dpkg's lock, instead of failing the first time. apt-get here is a stand-in
// on PATH that answers like apt does while the lock is held (exit 100, "Could not get lock").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { makeTempDir } from '../../helpers/services.ts';
import { projectRoot } from '../../../src/infra/project-paths.ts';

const SCRIPT = path.join(projectRoot, 'scripts', 'ensure-system-deps.sh');

function fakeSystem(lockedUpdates: number): { bin: string; calls: () => string[] } {
  const bin = makeTempDir('fake-apt');
  const log = path.join(bin, 'calls.log');
  const counter = path.join(bin, 'updates');
  fs.writeFileSync(counter, '0');
  fs.writeFileSync(
    path.join(bin, 'apt-get'),
    `#!/bin/bash
echo "$*" >> ${log}
if [[ " $* " == *" update "* ]]; then
  n=$(( $(cat ${counter}) + 1 )); echo $n > ${counter}
  if [ $n -le ${lockedUpdates} ]; then
    echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
    exit 100
  fi
fi
exit 0
`,
    { mode: 0o755 },
  );
  // Not root: the script goes through sudo, which here just runs the command.
  fs.writeFileSync(path.join(bin, 'sudo'), '#!/bin/bash\nexec "$@"\n', { mode: 0o755 });
  // Only what the script needs, so redis-server is "missing" whatever this machine has.
  for (const tool of ['id', 'env', 'sleep', 'cat', 'dirname']) {
    fs.symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
  }
  t.teardown(() => fs.rmSync(bin, { recursive: true, force: true }));
  return {
    bin,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []),
  };
}

function run(bin: string, env: Record<string, string>) {
  return spawnSync('/bin/bash', [SCRIPT, 'redis'], {
    env: { PATH: bin, APT_RETRY_INTERVAL_S: '0.2', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

t.test('waits for a held lock, then installs', async (t) => {
  const system = fakeSystem(3);
  const result = run(system.bin, {});
  t.equal(result.status, 0, result.stderr);
  const calls = system.calls();
  t.equal(calls.filter((c) => c.includes(' update')).length, 4, 'update retried past the lock');
  const install = calls.find((c) => c.includes(' install '));
  t.match(install, /-o DPkg::Lock::Timeout=600 install -y -qq redis-server/, 'apt waits for dpkg');
  t.match(result.stderr, /retrying/, 'says why it waits');
});

t.test('gives up after APT_LOCK_TIMEOUT_S', async (t) => {
  const system = fakeSystem(1_000_000);
  const result = run(system.bin, { APT_LOCK_TIMEOUT_S: '1' });
  t.equal(result.status, 1);
  t.match(result.stderr, /kept failing for 1s/);
  t.notOk(
    system.calls().some((c) => c.includes(' install ')),
    'nothing installed without a package list',
  );
});
