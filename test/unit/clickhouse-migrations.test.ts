import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { splitStatements } from '../../src/infra/clickhouse/migrations.ts';
import { clickhouseMigrationsDir } from '../../src/infra/project-paths.ts';

t.test('DDL files split into single statements, comments dropped', async (t) => {
  const sql = `-- a comment; with a semicolon\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\nCREATE VIEW b AS SELECT ';' AS s FROM a;\n`;
  t.same(splitStatements(sql), [
    'CREATE TABLE a (x UInt8) ENGINE = Memory',
    "CREATE VIEW b AS SELECT ';' AS s FROM a",
  ]);
});

t.test('migration files are numbered without gaps', async (t) => {
  const files = fs
    .readdirSync(clickhouseMigrationsDir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  t.ok(files.length >= 1);
  files.forEach((file, i) => {
    t.match(file, /^\d{4}_[a-z0-9_]+\.sql$/);
    t.equal(Number(path.basename(file).slice(0, 4)), i + 1, `${file} is migration ${i + 1}`);
  });
});
