// The server's V8 options are repeated by every launcher (src/server-v8-flags.ts says why): each
// must carry all of them, or a deployment would run without what the benches measured.
import fs from 'node:fs';
import t from 'tap';
import { SERVER_V8_FLAGS } from '../../src/server-v8-flags.ts';

const read = (file: string): string =>
  fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

/** The last command of the first line of `file` that mentions `text` (after any `&&`). */
const commandIn = (file: string, text: string): string =>
  read(file)
    .split('\n')
    .find((line) => line.includes(text))
    ?.split('&&')
    .pop() ?? '';

const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const launchers: [string, string][] = [
  ['npm start', (scripts.start ?? '').split('&&').pop() ?? ''],
  ['npm run bench:ingest (the server runs in the bench’s process)', scripts['bench:ingest'] ?? ''],
  ['codedeploy/mylog.service', commandIn('codedeploy/mylog.service', 'ExecStart=')],
  ['README.md, real services', commandIn('README.md', 'dist/src/server.js')],
  [
    'codedeploy/lib/common.sh (process mode)',
    commandIn('codedeploy/lib/common.sh', 'dist/src/server.js'),
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
