// rsyslog (omelasticsearch) and syslog-ng (elasticsearch-http() and http()) from their Debian
// packages, run as unprivileged children with their own config in a temp dir, receiving syslog
// over TCP and shipping to a real MyLog on loopback with their stock templates.
// The daemons come from `bash scripts/ensure-system-deps.sh rsyslog-es syslog-ng-http` (npm test
// and CI run it): a missing one fails this test, it is never skipped.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { findFreePort } from '../../../src/infra/embedded/process-state.ts';
import { projectRoot } from '../../../src/infra/project-paths.ts';
import { makeTempDir, type Teardown } from '../../helpers/services.ts';
import { recentInstant } from '../../helpers/recent-time.ts';
import { byMessage, startShipperServer } from './shipper-server.ts';

const DAEMONS =
  process.env.SYSLOG_DAEMONS_DIR ??
  path.join(projectRoot, 'node_modules', '.cache', 'syslog-daemons');
const RSYSLOG = path.join(DAEMONS, 'rsyslog');
const SYSLOG_NG = path.join(DAEMONS, 'syslog-ng');
const INSTALL_HINT = 'run: bash scripts/ensure-system-deps.sh rsyslog-es syslog-ng-http';

/** As root, the daemons run as `nobody`, like embedded Postgres. */
const RUN_AS = os.userInfo().uid === 0 ? { uid: 65534, gid: 65534 } : {};

function workDir(label: string): string {
  const dir = makeTempDir(label);
  if (RUN_AS.uid !== undefined) fs.chownSync(dir, RUN_AS.uid, RUN_AS.gid as number);
  return dir;
}

function startDaemon(
  t: Teardown,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, {
    ...RUN_AS,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  });
  return { child, output: () => output };
}

/** Connects once the daemon listens, then sends RFC 5424 messages with octet-counting framing. */
async function sendSyslog(port: number, messages: string[], deadlineMs = 20_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          for (const m of messages) socket.write(`${Buffer.byteLength(m)} ${m}`);
          socket.end(resolve);
        });
        socket.once('error', reject);
      });
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** `<PRI>1 TIMESTAMP HOST APP PROCID MSGID - MSG`, PRI = facility * 8 + severity. */
function rfc5424(pri: number, time: string, host: string, app: string, pid: number, msg: string) {
  return `<${pri}>1 ${time} ${host} ${app} ${pid} - - ${msg}`;
}

t.test('syslog daemons with their stock templates', async (t) => {
  const server = await startShipperServer(t);
  const sent = recentInstant(5 * 60 * 1000, 123_000_000);
  const time = sent.rfc3339.replace(/\d{6}Z$/, 'Z'); // milliseconds, as daemons write them

  t.test('rsyslog omelasticsearch', async (t) => {
    const rsyslogd = path.join(RSYSLOG, 'usr', 'sbin', 'rsyslogd');
    t.ok(fs.existsSync(rsyslogd), `rsyslogd is unpacked (${INSTALL_HINT})`);
    if (!fs.existsSync(rsyslogd)) return;
    const stock = await server.newTenant();
    const custom = await server.newTenant();
    const dir = workDir('rsyslog');
    const port = await findFreePort();
    const action = (key: string, extra: string) =>
      `action(type="omelasticsearch" server="127.0.0.1" serverport="${server.port}" ` +
      `uid="rsyslog" pwd="${key}" searchIndex="syslog" bulkmode="on" ${extra})`;
    // The stock template (no template= given), and one that adds the program for the service.
    fs.writeFileSync(
      path.join(dir, 'rsyslog.conf'),
      `global(workDirectory="${dir}")
module(load="imtcp")
module(load="omelasticsearch")
template(name="withProgram" type="list" option.jsonf="on") {
  property(outname="timereported" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="fromhost" name="hostname" format="jsonf")
  property(outname="severity" name="syslogseverity" format="jsonf")
  property(outname="programname" name="programname" format="jsonf")
  property(outname="syslogtag" name="syslogtag" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
}
input(type="imtcp" port="${port}" address="127.0.0.1")
${action(stock.key, '')}
${action(custom.key, 'template="withProgram"')}
`,
    );
    const daemon = startDaemon(t, rsyslogd, [
      '-n',
      '-f',
      path.join(dir, 'rsyslog.conf'),
      '-i',
      path.join(dir, 'rsyslogd.pid'),
      '-M',
      path.join(RSYSLOG, 'usr', 'lib', 'x86_64-linux-gnu', 'rsyslog'),
    ]);
    const messages = [
      rfc5424(11, time, 'web-1', 'nginx', 42, 'upstream timed out'), // user.err
      rfc5424(38, time, 'bastion', 'sshd', 7, 'Accepted publickey for deploy'), // auth.info
      rfc5424(12, time, 'web-2', 'app', 9, 'disk 91% full'), // user.warning
    ];
    await sendSyslog(port, messages);
    const rows = byMessage(await server.rowsOf(stock, 3, 30_000));
    t.equal(rows.size, 3, `every message once\n${daemon.output()}`);
    t.match(rows.get('upstream timed out'), {
      ts: sent.clickhouse.replace(/\d{6}$/, '000000'),
      level: 'error',
      host: 'web-1',
      attributes: { facility: 'user' },
    });
    t.match(rows.get('Accepted publickey for deploy'), { level: 'info', host: 'bastion' });
    t.match(rows.get('disk 91% full'), { level: 'warn', host: 'web-2' });
    const withProgram = byMessage(await server.rowsOf(custom, 3, 30_000));
    t.equal(withProgram.size, 3);
    t.match(withProgram.get('upstream timed out'), {
      level: 'error',
      host: 'web-1',
      service: 'nginx',
      attributes: { syslogtag: 'nginx[42]' },
    });
  });

  t.test('syslog-ng elasticsearch-http() and http()', async (t) => {
    const binary = path.join(SYSLOG_NG, 'usr', 'sbin', 'syslog-ng');
    t.ok(fs.existsSync(binary), `syslog-ng is unpacked (${INSTALL_HINT})`);
    if (!fs.existsSync(binary)) return;
    const viaEs = await server.newTenant();
    const viaHttp = await server.newTenant();
    const dir = workDir('syslog-ng');
    const port = await findFreePort();
    const scl = path.join(SYSLOG_NG, 'usr', 'share', 'syslog-ng', 'include', 'scl');
    fs.writeFileSync(
      path.join(dir, 'syslog-ng.conf'),
      `@version: 3.38
@include "${scl}/elasticsearch/elastic-http.conf"
options { keep-hostname(yes); };
source s_net { syslog(transport("tcp") ip("127.0.0.1") port(${port})); };
destination d_es {
  elasticsearch-http(url("${server.url}/_bulk") index("syslog-ng") type("")
    user("syslog-ng") password("${viaEs.key}") batch-lines(10) batch-timeout(200));
};
destination d_http {
  http(url("${server.url}/v1/logs") method("POST") user("syslog-ng") password("${viaHttp.key}")
    headers("Content-Type: application/x-ndjson")
    body("$(format-json --scope rfc5424 --key ISODATE)") batch-lines(10) batch-timeout(200));
};
log { source(s_net); destination(d_es); destination(d_http); };
`,
    );
    const daemon = startDaemon(
      t,
      binary,
      [
        '-F',
        '--no-caps',
        '-f',
        path.join(dir, 'syslog-ng.conf'),
        '-R',
        path.join(dir, 'syslog-ng.persist'),
        '-p',
        path.join(dir, 'syslog-ng.pid'),
        '-c',
        path.join(dir, 'syslog-ng.ctl'),
        `--module-path=${path.join(SYSLOG_NG, 'usr', 'lib', 'syslog-ng', '3.38')}`,
      ],
      { LD_LIBRARY_PATH: path.join(SYSLOG_NG, 'usr', 'lib', 'syslog-ng') },
    );
    const messages = [
      rfc5424(27, time, 'db-1', 'postgres', 311, 'could not connect'), // daemon.err
      rfc5424(86, time, 'bastion', 'sudo', 12, 'session opened'), // authpriv.info
    ];
    await sendSyslog(port, messages);
    for (const tenant of [viaEs, viaHttp]) {
      const rows = byMessage(await server.rowsOf(tenant, 2, 30_000));
      t.equal(rows.size, 2, `every message once\n${daemon.output()}`);
      t.match(rows.get('could not connect'), {
        // syslog-ng's ISODATE has whole seconds unless frac-digits() says otherwise.
        ts: sent.clickhouse.replace(/\d{9}$/, '000000000'),
        level: 'error',
        host: 'db-1',
        service: 'postgres',
        attributes: { PID: '311', FACILITY: 'daemon' },
      });
      t.match(rows.get('session opened'), { level: 'info', host: 'bastion', service: 'sudo' });
    }
  });
});
