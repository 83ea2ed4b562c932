// Where a tail resumes (src/modules/tail/resume-point.ts) and how the server reads it
// (tail-protocol.ts): the newest id, and the ids held within the window before it, at most
// MAX_SEEN_IDS of them, every held id above the lowest listed one included.
import t from 'tap';
import {
  MAX_SEEN_IDS,
  RESUME_OVERLAP_MS,
  ResumePoint,
  uuidV7Ms,
} from '../../src/modules/tail/resume-point.ts';
import { parseClientMessage, ProtocolError } from '../../src/modules/tail/tail-protocol.ts';

/** A UUIDv7-shaped id of millisecond `ms`, `n` telling ids of one millisecond apart. */
function idAt(ms: number, n = 0): string {
  const time = ms.toString(16).padStart(12, '0');
  const tail = n.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7000-8000-${tail}`;
}

const now = Date.now();

t.test('nothing held: no resume fields', async (t) => {
  t.same(new ResumePoint().fields(), {});
});

t.test('the newest id is last_id whatever the arrival order', async (t) => {
  const point = new ResumePoint();
  point.note([idAt(now, 1), idAt(now + 20, 1)]);
  point.note([idAt(now + 10, 1)]); // published late by another instance
  const fields = point.fields();
  t.equal(fields.last_id, idAt(now + 20, 1));
  t.same(fields.seen_ids, [idAt(now, 1), idAt(now + 10, 1), idAt(now + 20, 1)]);
  t.equal(uuidV7Ms(fields.last_id as string), now + 20);
});

t.test('only ids within the window before the newest are listed', async (t) => {
  const point = new ResumePoint(idAt(now - RESUME_OVERLAP_MS - 1), [idAt(now - 100)]);
  point.note([idAt(now)]);
  t.same(point.fields().seen_ids, [idAt(now - 100), idAt(now)]);
});

t.test('at most MAX_SEEN_IDS, the newest ones, so none above the lowest is left out', async (t) => {
  const point = new ResumePoint();
  const ids = Array.from({ length: 3 * MAX_SEEN_IDS }, (_, i) => idAt(now, i));
  for (let i = ids.length - 1; i >= 0; i -= 7) point.note(ids.slice(Math.max(0, i - 6), i + 1));
  point.note([ids[5] as string]); // a duplicate note counts once
  const seen = point.fields().seen_ids as string[];
  t.equal(seen.length, MAX_SEEN_IDS);
  t.same(seen, ids.slice(-MAX_SEEN_IDS));
});

t.test(
  'the server accepts what a resume point sends and refuses what it never would',
  async (t) => {
    const point = new ResumePoint(idAt(now), [idAt(now - 1)]);
    const parsed = parseClientMessage(
      JSON.stringify({ type: 'subscribe', apps: [], q: '', ...point.fields() }),
    );
    t.match(parsed, { type: 'subscribe', lastId: idAt(now), seenIds: [idAt(now - 1), idAt(now)] });
    const refused = (message: object) =>
      t.throws(
        () => parseClientMessage(JSON.stringify({ type: 'subscribe', ...message })),
        new ProtocolError('invalid_message', ''),
      );
    refused({ seen_ids: [idAt(now)] }); // without last_id
    refused({ last_id: idAt(now), seen_ids: 'x' });
    refused({ last_id: idAt(now), seen_ids: ['not-an-id'] });
    refused({
      last_id: idAt(now),
      seen_ids: Array.from({ length: MAX_SEEN_IDS + 1 }, (_, i) => idAt(now, i)),
    });
    const upper = parseClientMessage(
      JSON.stringify({
        type: 'subscribe',
        last_id: idAt(now),
        seen_ids: [idAt(now).toUpperCase()],
      }),
    );
    t.match(upper, { seenIds: [idAt(now)] }, 'ids are compared in lower case');
  },
);
