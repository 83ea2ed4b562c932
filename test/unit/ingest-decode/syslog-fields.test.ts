// The syslog daemons' stock field names land in the columns a user looks at: rsyslog
// omelasticsearch's default template and properties, syslog-ng's format-json macros.
import t from 'tap';
import { RecordRejection } from '../../../src/modules/ingest/decode/index.ts';
import type { CanonicalRow } from '../../../src/modules/ingest/decode/index.ts';
import { normaliseRecord } from '../../../src/modules/ingest/decode/normalise-record.ts';
import type { JsonObject } from '../../../src/modules/ingest/decode/raw-record.ts';
import { ctx } from './fixtures.ts';

function row(fields: JsonObject): CanonicalRow {
  const out = normaliseRecord({ source: 'json', fields }, ctx());
  if (out instanceof RecordRejection) throw new Error(`rejected: ${out.error}`);
  return out;
}

t.test("rsyslog omelasticsearch's stock template", async (t) => {
  const r = row({
    message: ' Failed password for root',
    fromhost: 'bastion-1',
    facility: 'authpriv',
    priority: 'warning',
    timereported: '2026-01-15T11:59:58.123456+00:00',
    timegenerated: '2026-01-15T11:59:59.5+00:00',
  });
  t.match(r, {
    ts: '2026-01-15 11:59:58.123456000',
    level: 'warn',
    host: 'bastion-1',
    message: ' Failed password for root',
    service: '',
  });
  t.same(
    { ...r.attributes },
    { facility: 'authpriv', timegenerated: '2026-01-15T11:59:59.5+00:00' },
    'the receive time rsyslog adds stays an attribute',
  );
});

t.test('rsyslog properties: programname, syslogtag, fromhost-ip, numeric severities', async (t) => {
  t.match(row({ msg: 'x', programname: 'sshd', syslogtag: 'sshd[42]:', severity: 3 }), {
    service: 'sshd',
    level: 'error',
    attributes: { syslogtag: 'sshd[42]:' },
  });
  t.match(row({ msg: 'x', syslogtag: 'CRON[7]:', priority: 6, 'fromhost-ip': '10.0.0.7' }), {
    service: 'CRON',
    level: 'info',
    host: '10.0.0.7',
  });
  t.match(row({ msg: 'x', syslogtag: 'kernel:', priority: '0' }), {
    service: 'kernel',
    level: 'fatal',
    severity_number: 24,
  });
  t.match(row({ msg: 'x', hostname: 'h1', fromhost: 'relay' }), {
    host: 'h1',
    attributes: { fromhost: 'relay' },
  });
  t.match(row({ msg: 'x', service: 'api', programname: 'node' }), {
    service: 'api',
    attributes: { programname: 'node' },
  });
});

t.test("syslog-ng's format-json --scope rfc5424 (elasticsearch-http(), http())", async (t) => {
  const r = row({
    PROGRAM: 'nginx',
    PRIORITY: 'err',
    PID: '1234',
    MESSAGE: 'upstream timed out',
    HOST: 'web-2',
    FACILITY: 'daemon',
    ISODATE: '2026-01-15T11:59:00+00:00',
  });
  t.match(r, {
    ts: '2026-01-15 11:59:00.000000000',
    level: 'error',
    service: 'nginx',
    host: 'web-2',
    message: 'upstream timed out',
  });
  t.same({ ...r.attributes }, { PID: '1234', FACILITY: 'daemon' });
  t.match(row({ '@timestamp': '2026-01-15T11:58:00+00:00', ISODATE: '2026-01-15T11:59:00Z' }), {
    ts: '2026-01-15 11:58:00.000000000',
    attributes: { ISODATE: '2026-01-15T11:59:00Z' },
  });
});

t.test(
  "Fluent Bit's http output: `date` as epoch seconds; a `date` that is no time stays",
  async (t) => {
    t.match(row({ date: 1768478399.5, log: 'from fluent bit' }), {
      ts: '2026-01-15 11:59:59.500000000',
      message: 'from fluent bit',
    });
    const r = row({ date: 'next tuesday', message: 'x', time: undefined as unknown as string });
    t.equal(r.attributes['date'], 'next tuesday');
    t.equal(row({ timestamp: '2026-01-15T11:00:00Z', date: 5 }).attributes['date'], '5');
  },
);
