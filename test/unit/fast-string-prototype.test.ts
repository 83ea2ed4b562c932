// String.prototype must stay in V8's fast mode once the server's modules are loaded: in dictionary
// mode no string method call in optimised code is inlined (src/infra/fast-string-prototype.ts).
// V8 only tells with --allow-natives-syntax, so each check runs in a child process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Whether String.prototype has fast properties after the child imports `specifier`. */
async function fastAfterImporting(specifier: string, restore: boolean): Promise<boolean> {
  const script = `
    const fast = () => %HasFastProperties(String.prototype);
    if (!fast()) throw new Error('slow before any import');
    await import(${JSON.stringify(specifier)});
    ${restore ? "(await import('./src/infra/fast-string-prototype.ts')).restoreFastStringPrototype();" : ''}
    console.log(fast());
  `;
  const { stdout } = await run(
    process.execPath,
    ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root, timeout: 120_000 },
  );
  return stdout.trim() === 'true';
}

t.test('ioredis alone leaves String.prototype slow, and the restore makes it fast', async (t) => {
  // If a new ioredis stops doing this, the workaround can go.
  t.equal(await fastAfterImporting('ioredis', false), false, 'slow after importing ioredis');
  t.equal(await fastAfterImporting('ioredis', true), true, 'fast after restoring');
});

t.test("the server's modules leave String.prototype fast", async (t) => {
  t.equal(await fastAfterImporting('./src/app.ts', false), true);
});
