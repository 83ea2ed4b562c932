import t from 'tap';
import {
  levelFromNumber,
  levelFromOtelNumber,
  levelFromText,
} from '../../../src/modules/ingest/decode/levels.ts';
import { uuidV7 } from '../../../src/modules/ingest/decode/uuid-v7.ts';
import { NOW_MS, UUID_V7 } from './fixtures.ts';

t.test('level names', async (t) => {
  const cases: [string, string, number][] = [
    ['trace', 'trace', 1],
    ['DEBUG', 'debug', 5],
    ['verbose', 'debug', 5],
    ['Info', 'info', 9],
    ['notice', 'info', 10],
    ['informational', 'info', 9],
    ['warning', 'warn', 13],
    [' WARN ', 'warn', 13],
    ['err', 'error', 17],
    ['error', 'error', 17],
    ['severe', 'error', 17],
    ['critical', 'fatal', 21],
    ['crit', 'fatal', 22],
    ['alert', 'fatal', 23],
    ['emerg', 'fatal', 24],
    ['panic', 'fatal', 21],
    ['fatal', 'fatal', 21],
    ['INFO3', 'info', 11],
    ['ERROR4', 'error', 20],
    ['3', 'error', 17],
  ];
  for (const [text, level, severityNumber] of cases) {
    t.same(levelFromText(text), { level, severityNumber }, text);
  }
  t.equal(levelFromText('loud'), undefined);
  t.equal(levelFromText(''), undefined);
});

t.test('numeric levels: syslog 0–7, pino 10–60, else OTel 1–24', async (t) => {
  t.same(levelFromNumber(0), { level: 'fatal', severityNumber: 24 }, 'syslog emergency');
  t.same(levelFromNumber(3), { level: 'error', severityNumber: 17 }, 'syslog error');
  t.same(levelFromNumber(4), { level: 'warn', severityNumber: 13 }, 'syslog warning');
  t.same(levelFromNumber(6), { level: 'info', severityNumber: 9 }, 'syslog info');
  t.same(levelFromNumber(7), { level: 'debug', severityNumber: 5 }, 'syslog debug');
  t.same(levelFromNumber(10), { level: 'trace', severityNumber: 1 }, 'pino trace');
  t.same(levelFromNumber(30), { level: 'info', severityNumber: 9 }, 'pino info');
  t.same(levelFromNumber(50), { level: 'error', severityNumber: 17 }, 'pino error');
  t.same(levelFromNumber(60), { level: 'fatal', severityNumber: 21 }, 'pino fatal');
  t.same(levelFromNumber(9), { level: 'info', severityNumber: 9 }, 'OTel INFO');
  t.same(levelFromNumber(18), { level: 'error', severityNumber: 18 }, 'OTel ERROR2');
  t.equal(levelFromNumber(25), undefined);
  t.equal(levelFromNumber(2.5), undefined);
  t.same(levelFromOtelNumber(5), { level: 'debug', severityNumber: 5 });
  t.equal(levelFromOtelNumber(0), undefined);
});

t.test(
  'UUIDv7: format, receive-time prefix, strictly increasing within one millisecond',
  async (t) => {
    const ids = Array.from({ length: 100_000 }, () => uuidV7(NOW_MS));
    t.ok(
      ids.every((id) => UUID_V7.test(id)),
      'version 7, RFC variant',
    );
    const first = ids[0] as string;
    const msHex = first.slice(0, 8) + first.slice(9, 13);
    t.equal(parseInt(msHex, 16), NOW_MS, 'the first 48 bits are the receive time');
    let increasing = true;
    for (let i = 1; i < ids.length; i++)
      if ((ids[i] as string) <= (ids[i - 1] as string)) increasing = false;
    t.ok(increasing, '100k ids in the same ms sort in creation order');
    t.equal(new Set(ids).size, ids.length, 'unique');
    const earlier = uuidV7(NOW_MS - 5000);
    t.ok(earlier > (ids.at(-1) as string), 'a clock going backwards does not break the order');
  },
);
