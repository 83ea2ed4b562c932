// The Packer template parses, references only what it declares, ships files and scripts that
// exist, and bakes in what the issue asks of the AMI (AL2023, Node 20, agents, IMDSv2, no
// password SSH, the mylog user).
import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import {
  blocks,
  isRecord,
  parseHclFile,
  referencesInBody,
  unlabelled,
  type Body,
} from './lib/hcl.ts';
import { repoRoot } from './lib/paths.ts';

const amiDir = path.join(repoRoot, 'ami');
const template = await parseHclFile(path.join(amiDir, 'mylog.pkr.hcl'));
const variables = new Map(blocks(template, 'variable', 1));
const locals = new Set(unlabelled(template, 'locals').flatMap((b) => Object.keys(b)));
const sources = new Map(blocks(template, 'source', 2));
const data = new Map(blocks(template, 'data', 2));
const build = unlabelled(template, 'build')[0] ?? {};

function first(value: unknown): Body {
  const v = Array.isArray(value) ? value[0] : value;
  return isRecord(v) ? v : {};
}

t.test('template structure and references', async (t) => {
  t.ok(first(template.packer).required_plugins, 'pins its plugins');
  t.ok(sources.has('amazon-ebs.mylog'), 'amazon-ebs source');
  for (const [name, body] of variables) {
    t.ok(body.type, `var.${name} has a type`);
    t.ok(body.description, `var.${name} has a description`);
  }
  const refs = referencesInBody(template, 'mylog.pkr.hcl');
  t.ok(refs.length > 10, `${refs.length} references`);
  for (const ref of refs) {
    if (ref.kind === 'var') t.ok(variables.has(ref.name), `var.${ref.name} declared`);
    else if (ref.kind === 'local') t.ok(locals.has(ref.name), `local.${ref.name} declared`);
    else if (ref.kind === 'data') t.ok(data.has(ref.name), `data.${ref.name} declared`);
  }
  t.same(build.sources, ['source.amazon-ebs.mylog'], 'build uses the declared source');
});

t.test('every provisioned file and script exists', async (t) => {
  const provisioners = isRecord(build.provisioner) ? build.provisioner : {};
  const files = JSON.stringify(provisioners).match(/\$\{path\.root\}\/[\w./-]+/g) ?? [];
  t.ok(files.length >= 4, 'scripts and files are provisioned');
  for (const ref of files) {
    const p = path.join(amiDir, ref.replace('${path.root}/', ''));
    t.ok(fs.existsSync(p), `${ref} exists`);
    if (p.endsWith('.sh')) t.ok(fs.statSync(p).mode & 0o111, `${ref} is executable`);
  }
  const cw = JSON.parse(
    fs.readFileSync(path.join(amiDir, 'files/cloudwatch-agent.json'), 'utf8'),
  ) as {
    logs: { logs_collected: { files: { collect_list: Array<{ file_path: string }> } } };
  };
  const shipped = cw.logs.logs_collected.files.collect_list.map((f) => f.file_path);
  t.ok(shipped.includes('/var/log/mylog/app.log'), 'app journal lines are shipped');
  t.ok(shipped.includes('/var/log/mylog/deploy.log'), 'deploy hook lines are shipped');
  const rsyslog = fs.readFileSync(path.join(amiDir, 'files/rsyslog-mylog.conf'), 'utf8');
  t.match(
    rsyslog,
    /programname == 'mylog'/,
    'journal -> app.log bridge matches the unit SyslogIdentifier',
  );
  t.match(
    fs.readFileSync(path.join(repoRoot, 'codedeploy/mylog.service'), 'utf8'),
    /SyslogIdentifier=mylog\n/,
  );
});

t.test('the AMI is what the issue asks for', async (t) => {
  const source = sources.get('amazon-ebs.mylog') ?? {};
  t.equal(first(source.metadata_options).http_tokens, 'required', 'builder uses IMDSv2');
  t.equal(source.imds_support, 'v2.0', 'instances from the AMI are IMDSv2-only');
  const filters = first(data.get('amazon-ami.al2023')).filters;
  t.match(JSON.stringify(filters), /al2023-ami/, 'Amazon Linux 2023 base');
  t.equal(variables.get('node_major')?.default, '20', 'Node 20');
  const scripts = ['install-packages.sh', 'configure-mylog.sh', 'harden.sh']
    .map((s) => fs.readFileSync(path.join(amiDir, 'scripts', s), 'utf8'))
    .join('\n');
  t.match(scripts, /nodejs\$\{NODE_MAJOR\}/, 'installs Node from AL2023');
  t.match(scripts, /codedeploy[\s\S]*install"? auto|"\$installer" auto/, 'CodeDeploy agent');
  t.match(scripts, /amazon-cloudwatch-agent/, 'CloudWatch agent');
  t.match(scripts, /useradd --system[^\n]*mylog/, 'the mylog user');
  t.match(scripts, /PasswordAuthentication no/, 'no password SSH');
  t.match(scripts, /PermitRootLogin no/, 'no root SSH');
  t.match(scripts, /mylog-env\.service/, 'env renderer enabled at boot');
});
