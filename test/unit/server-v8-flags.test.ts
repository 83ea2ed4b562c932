// The server's V8 options are repeated by every launcher (src/server-v8-flags.ts says why): each
// must carry all of them, or a deployment would run without what the benches measured.
import fs from 'node:fs';
import t from 'tap';
import { SERVER_V8_FLAGS } from '../../src/server-v8-flags.ts';

const read = (file: string): string =>
  fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const serverCommand = (scripts.start ?? '').split('&&').pop() ?? '';
const launchers: [string, string][] = [
  ['npm start', serverCommand],
  ['npm run bench:ingest (the server runs in the bench’s process)', scripts['bench:ingest'] ?? ''],
  [
    'codedeploy/mylog.service',
    read('codedeploy/mylog.service')
      .split('\n')
      .find((line) => line.startsWith('ExecStart=')) ?? '',
  ],
  [
    'README.md, real services',
    read('README.md')
      .split('\n')
      .find((line) => line.includes('dist/src/server.js'))
      ?.split('&&')
      .pop() ?? '',
  ],
  [
    'codedeploy/lib/common.sh (process mode)',
    read('codedeploy/lib/common.sh')
      .split('\n')
      .find((line) => line.includes('dist/src/server.js')) ?? '',
  ],
];

t.test('every launcher of the server passes the server’s V8 options', async (t) => {
  t.ok(SERVER_V8_FLAGS.length > 0, 'there are options to pass');
  for (const [name, command] of launchers) {
    t.match(command, /\bnode\b|"\$MYLOG_NODE"/, `${name}: found its node command`);
    for (const flag of SERVER_V8_FLAGS) {
      t.ok(command.split(/\s+/).includes(flag), `${name} passes ${flag}: ${command.trim()}`);
    }
  }
});
