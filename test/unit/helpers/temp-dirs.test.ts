// A test run leaves no `mylog-*` folders behind: every temp dir a test makes (data dirs, chdb,
// embedded services) goes when its test process exits.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { projectRoot } from '../../../src/infra/project-paths.ts';

t.test('temp dirs made by a test process are gone when it exits', async (t) => {
  const helper = path.join(projectRoot, 'test', 'helpers', 'services.ts');
  const script = `
    import fs from 'node:fs';
    import { makeTempDir } from ${JSON.stringify(helper)};
    const dirs = ['data', 'chdb', 'e2e-data'].map((label) => makeTempDir(label));
    fs.writeFileSync(dirs[0] + '/file', 'x');
    fs.mkdirSync(dirs[1] + '/nested/deeper', { recursive: true });
    console.log(JSON.stringify(dirs));
  `;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      cwd: projectRoot,
      encoding: 'utf8',
    },
  );
  const dirs = JSON.parse(out.trim().split('\n').pop() ?? '[]') as string[];
  t.equal(dirs.length, 3);
  for (const dir of dirs) {
    t.match(path.basename(dir), /^mylog-/);
    t.notOk(fs.existsSync(dir), `${dir} removed at exit`);
  }
});
