// Time formatting in the display zone: round histogram ticks on the zone's wall clock (a +05:30 zone
// ticks on its own full hours), datetime-local inputs read as wall time in the zone (DST included),
// and locale-shaped row dates.
import t from 'tap';
import { makeDisplay, setCurrentDisplay } from '../../src/web/src/i18n/display.ts';
import {
  formatRowTime,
  fromLocalInput,
  roundTicks,
  toLocalInput,
} from '../../src/web/src/lib/time.ts';

const HOUR = 3_600_000;

t.test('ticks on round hours of the display zone', async (t) => {
  for (const zone of ['Asia/Kolkata', 'UTC', 'America/St_Johns']) {
    setCurrentDisplay(makeDisplay('en', zone));
    const to = Date.now();
    const { ticks, stepMs } = roundTicks(to - 24 * HOUR, to, 10);
    t.ok(stepMs >= HOUR && ticks.length >= 4, `${zone}: ${ticks.length} ticks of ${stepMs} ms`);
    const minutes = new Intl.DateTimeFormat('en', { timeZone: zone, minute: '2-digit' });
    t.ok(
      ticks.every((ms) => Number(minutes.format(ms)) === 0),
      `${zone}: every tick on :00 in the zone`,
    );
  }
});

t.test('datetime-local inputs are wall time in the zone', async (t) => {
  setCurrentDisplay(makeDisplay('en', 'Europe/Warsaw'));
  // Summer (UTC+2) and winter (UTC+1) of the current year.
  const year = new Date().getUTCFullYear();
  t.equal(fromLocalInput(`${year}-07-01T12:00:00`), `${year}-07-01T10:00:00.000Z`);
  t.equal(fromLocalInput(`${year}-01-15T12:00`), `${year}-01-15T11:00:00.000Z`);
  const now = Math.floor(Date.now() / 1000) * 1000;
  t.equal(Date.parse(fromLocalInput(toLocalInput(now))!), now, 'round trip');
  t.equal(fromLocalInput('not a date'), null);
});

t.test('row dates in the locale', async (t) => {
  const ts = new Date(Date.UTC(new Date().getUTCFullYear(), 2, 4, 13, 5, 9, 123)).toISOString();
  setCurrentDisplay(makeDisplay('pl', 'UTC'));
  t.match(formatRowTime(ts), { date: /^04\.03\.\d{4}$/, time: /^13:05:09[.,]123$/ });
  setCurrentDisplay(makeDisplay('en', 'Asia/Kolkata'));
  t.match(formatRowTime(ts), { date: /^03\/04\/\d{4}$/, time: /^18:35:09\.123$/ });
});
