// terraform/modules/clickhouse builds the cluster the generated cluster DDL expects
// (clickhouse/golden/cluster/, `mylog migrate --print --cluster mylog`): three Keeper nodes, shards
// of two replicas in different subnets, each node's macros filling the DDL's {shard}/{replica},
// remote_servers naming the cluster the DDL's ON CLUSTER and Distributed(...) name, and the app
// told the cluster's name. The node config and the placement arithmetic are evaluated by
// `terraform console` (no provider, no network) when terraform is installed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { GOLDEN_CLUSTER, readGolden } from '../../scripts/clickhouse-golden.ts';
import { blocks, parseHclFile, parseModule, unlabelled, type Body } from './lib/hcl.ts';
import { repoRoot } from './lib/paths.ts';

const tfRoot = path.join(repoRoot, 'terraform');
const moduleDir = path.join(tfRoot, 'modules', 'clickhouse');
const templatePath = path.join(moduleDir, 'templates', 'server.sh.tftpl');
const haveTerraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

const variables = new Map<string, Body>();
const locals: Body = {};
for (const doc of (await parseModule(moduleDir)).values()) {
  for (const [name, body] of blocks(doc, 'variable', 1)) variables.set(name, body);
  for (const body of unlabelled(doc, 'locals')) Object.assign(locals, body);
}

/**
 * Evaluates HCL expressions with `terraform console` in a scratch directory whose only file holds
 * them as locals (a multi-line expression cannot be typed into the console itself).
 */
function evaluate(expressions: Record<string, string>, want: string): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mylog-tfc-'));
  try {
    const body = Object.entries(expressions)
      .map(([name, expr]) => `  ${name} = ${expr}`)
      .join('\n');
    fs.writeFileSync(path.join(dir, 'main.tf'), `locals {\n${body}\n}\n`);
    const result = spawnSync('terraform', ['console', '-no-color'], {
      cwd: dir,
      input: `jsonencode(${want})\n`,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' },
    });
    if (result.status !== 0) throw new Error(`terraform console: ${result.stderr}`);
    return JSON.parse(JSON.parse(result.stdout.trim()) as string);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A local's expression from hcl2json (`${...}`), without the interpolation wrapper. */
function localExpression(name: string): string {
  const raw = String(locals[name]);
  return raw.replace(/^\$\{/, '').replace(/\}$/, '');
}

const golden = [...readGolden()]
  .filter(([name]) => name.startsWith('cluster/'))
  .map(([, content]) => content)
  .join('\n');

t.test('the module defaults to the cluster the golden DDL was generated for', async (t) => {
  t.equal(variables.get('cluster_name')?.default, GOLDEN_CLUSTER, 'cluster_name');
  t.equal(variables.get('replicas_per_shard')?.default, 2, '2 replicas per shard');
  t.match(
    JSON.stringify(variables.get('replicas_per_shard')?.validation),
    /var\.replicas_per_shard >= 2/,
  );
  t.match(String(locals.keeper_count), /\? 3 : 0/, 'three Keeper nodes');
  const ddlClusters = new Set(
    [...golden.matchAll(/ON CLUSTER (\w+)|Distributed\((\w+),/g)].map((m) => m[1] ?? m[2]),
  );
  t.same([...ddlClusters], [GOLDEN_CLUSTER], 'the DDL names only that cluster');
  for (const env of ['staging', 'production']) {
    const vars = await parseHclFile(path.join(tfRoot, 'environments', `${env}.tfvars`));
    t.equal(vars.clickhouse_replicas_per_shard, 2, `${env}: 2 replicas per shard`);
    t.ok(Number(vars.clickhouse_shards) >= 1, `${env}: shards`);
  }
});

t.test(
  'the app is told the cluster (CLICKHOUSE_CLUSTER) only when it is self-managed',
  async (t) => {
    const main = fs.readFileSync(path.join(tfRoot, 'main.tf'), 'utf8');
    t.match(main, /CLICKHOUSE_CLUSTER = module\.clickhouse\.cluster/);
    const outputs = fs.readFileSync(path.join(moduleDir, 'outputs.tf'), 'utf8');
    t.match(outputs, /local\.self_managed \? var\.cluster_name : ""/);
  },
);

t.test('placement: shards × replicas, replicas of a shard in different subnets', async (t) => {
  if (!haveTerraform) {
    t.comment('terraform not on PATH: placement not evaluated');
    t.pass('static checks stand');
    return;
  }
  // The module's own expressions, with the inputs and the subnets' CIDRs filled in.
  const inputs: Record<string, string> = {
    'var.replicas_per_shard': '2',
    'var.shard_count': '3',
    'local.self_managed': 'true',
    'local.subnet_count': '3',
    'local.server_count': '6',
  };
  const fill = (expr: string): string =>
    Object.entries(inputs)
      .reduce((e, [k, v]) => e.split(k).join(v), expr)
      .replace(
        /data\.aws_subnet\.selected\[([^\]]+)\]\.cidr_block/g,
        '["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"][$1]',
      );
  const placement = evaluate(
    {
      servers: fill(localExpression('servers')),
      shard_ips: fill(localExpression('shard_ips')),
    },
    '{ servers = local.servers, shard_ips = local.shard_ips }',
  ) as { servers: unknown; shard_ips: string[][] };
  const servers = placement.servers as {
    shard: number;
    replica: number;
    subnet: number;
    ip: string;
  }[];
  t.equal(servers.length, 6);
  t.same(
    servers.map((s) => `${s.shard}/${s.replica}`),
    ['1/1', '1/2', '2/1', '2/2', '3/1', '3/2'],
  );
  for (const shard of [1, 2, 3]) {
    const subnets = servers.filter((s) => s.shard === shard).map((s) => s.subnet);
    t.equal(new Set(subnets).size, 2, `shard ${shard}: its replicas in different subnets`);
  }
  t.equal(new Set(servers.map((s) => s.ip)).size, 6, 'distinct fixed IPs');
  t.same(
    placement.shard_ips,
    [1, 2, 3].map((shard) => servers.filter((s) => s.shard === shard).map((s) => s.ip)),
    'remote_servers lists each shard with its replicas',
  );
});

t.test('each node: macros, Keeper, remote_servers and the insert profile', async (t) => {
  if (!haveTerraform) {
    t.comment('terraform not on PATH: the template is checked as text only');
    const text = fs.readFileSync(templatePath, 'utf8');
    t.match(text, '<shard>${shard}</shard>');
    t.match(text, '<replica>replica-${replica}</replica>');
    return;
  }
  const shards = [
    ['10.0.0.10', '10.0.1.11'],
    ['10.0.0.12', '10.0.1.13'],
  ];
  const script = evaluate(
    {},
    `templatefile(${JSON.stringify(templatePath)}, { cluster = "${GOLDEN_CLUSTER}", shard = 2, replica = 1, keeper_hosts = ["10.0.0.20", "10.0.1.21", "10.0.2.22"], shards = ${JSON.stringify(shards)}, password_hash = "00" })`,
  ) as string;
  const macros = Object.fromEntries(
    [
      ...(/<macros>([\s\S]*?)<\/macros>/.exec(script)?.[1] ?? '').matchAll(/<(\w+)>([^<]*)<\/\1>/g),
    ].map((m) => [m[1], m[2]]),
  );
  t.same(macros, { cluster: GOLDEN_CLUSTER, shard: '2', replica: 'replica-1' });
  // Every macro the DDL uses is defined on the node ({database} is ClickHouse's own).
  for (const used of new Set([...golden.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))) {
    t.ok(used === 'database' || used in macros, `{${used}} is defined on every node`);
  }
  t.equal([...script.matchAll(/<node><host>[\d.]+<\/host><port>9181<\/port><\/node>/g)].length, 3);
  const cluster =
    new RegExp(`<${GOLDEN_CLUSTER}>([\\s\\S]*?)</${GOLDEN_CLUSTER}>`).exec(script)?.[1] ?? '';
  const shardBlocks = [...cluster.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map(
    (m) => m[1] as string,
  );
  t.equal(shardBlocks.length, 2, 'remote_servers has every shard');
  shardBlocks.forEach((block, i) => {
    t.match(block, '<internal_replication>true</internal_replication>');
    t.same(
      [...block.matchAll(/<host>([\d.]+)<\/host>/g)].map((m) => m[1]),
      shards[i],
    );
  });
  t.match(script, /<distributed_foreground_insert>1<\/distributed_foreground_insert>/);
  t.match(
    script,
    /<mylog>\s*<password_sha256_hex>00<\/password_sha256_hex>[\s\S]*<profile>mylog<\/profile>/,
  );
});
