// The alert instance state machine: for, no_data, renotify, flapping and quiet periods, with an
// explicit clock (no I/O).
import t from 'tap';
import {
  INITIAL,
  step,
  type InstanceState,
  type RuleSettings,
} from '../../../src/modules/alerts/alert-state.ts';

const rule: RuleSettings = {
  op: '>',
  threshold: 50,
  forMs: 0,
  noData: 'no_data',
  renotifyMs: null,
};
const flap = { maxChanges: 4, windowEvals: 10 };
const T0 = Date.now();

function run(
  observations: (number | null)[],
  settings: Partial<RuleSettings> = {},
  quiet: (i: number) => boolean = () => false,
) {
  let state: InstanceState = INITIAL;
  const out: { state: string; notify: string | null; suppressed: boolean }[] = [];
  observations.forEach((v, i) => {
    const r = step(
      state,
      v === null ? null : { value: v },
      { ...rule, ...settings },
      flap,
      T0 + i * 10_000,
      quiet(i),
    );
    state = r.next;
    out.push({ state: r.next.state, notify: r.notify, suppressed: r.suppressed });
  });
  return out;
}

t.test('fires on the first breach and resolves once, notifying each transition once', async (t) => {
  const out = run([10, 60, 70, 20, 20]);
  t.same(
    out.map((o) => o.state),
    ['ok', 'firing', 'firing', 'ok', 'ok'],
  );
  t.same(
    out.map((o) => o.notify),
    [null, 'firing', null, 'resolved', null],
  );
});

t.test('`for` holds the condition as pending before firing', async (t) => {
  const out = run([60, 60, 60, 60, 10], { forMs: 30_000 });
  t.same(
    out.map((o) => o.state),
    ['pending', 'pending', 'pending', 'firing', 'ok'],
  );
  t.same(
    out.map((o) => o.notify),
    [null, null, null, 'firing', 'resolved'],
  );
  const broken = run([60, 10, 60], { forMs: 15_000 });
  t.same(
    broken.map((o) => o.state),
    ['pending', 'ok', 'pending'],
    'a dip restarts the wait',
  );
  t.same(
    broken.map((o) => o.notify),
    [null, null, null],
    'pending is never notified',
  );
});

t.test('no_data: its own state, ok, firing or keep', async (t) => {
  t.same(
    run([60, null]).map((o) => [o.state, o.notify]),
    [
      ['firing', 'firing'],
      ['no_data', 'no_data'],
    ],
  );
  t.same(
    run([60, null], { noData: 'ok' }).map((o) => [o.state, o.notify]),
    [
      ['firing', 'firing'],
      ['ok', 'resolved'],
    ],
  );
  t.same(
    run([null, null], { noData: 'firing', forMs: 10_000 }).map((o) => o.state),
    ['pending', 'firing'],
  );
  t.same(
    run([60, null, null], { noData: 'keep' }).map((o) => o.state),
    ['firing', 'firing', 'firing'],
  );
  t.same(
    run([null]).map((o) => o.notify),
    ['no_data'],
    'an empty first window is notified',
  );
});

t.test('renotify repeats a firing notification after the interval', async (t) => {
  const out = run([60, 60, 60, 60, 60, 60, 60], { renotifyMs: 30_000 });
  t.same(
    out.map((o) => o.notify),
    ['firing', null, null, 'firing', null, null, 'firing'],
  );
  t.same(
    run([60, 60, 60, 60]).map((o) => o.notify),
    ['firing', null, null, null],
    'not without renotify',
  );
});

t.test('flapping: more than N changes in M evaluations is notified once, then quiet', async (t) => {
  const out = run([60, 10, 60, 10, 60, 10, 60, 10]);
  t.same(
    out.map((o) => o.notify),
    ['firing', 'resolved', 'firing', 'resolved', 'flapping', null, null, null],
  );
  t.equal(out.filter((o) => o.notify === 'flapping').length, 1);
  // Calm again (≤ N changes in the window): people learn where it ended up.
  const calm = run([60, 10, 60, 10, 60, 10, 60, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
  const after = calm
    .slice(8)
    .map((o) => o.notify)
    .filter((n) => n !== null);
  t.same(after, ['resolved'].slice(0, after.length), 'at most a resolved once calm');
});

t.test(
  'a quiet period (silence, mute) holds notifications back and catches up after',
  async (t) => {
    const out = run([60, 60, 60, 10], {}, (i) => i < 2);
    t.same(
      out.map((o) => o.notify),
      [null, null, 'firing', 'resolved'],
    );
    t.same(
      out.map((o) => o.suppressed),
      [true, true, false, false],
    );
    const back = run([60, 10, 10], {}, (i) => i < 2);
    t.same(
      back.map((o) => o.notify),
      [null, null, null],
      'resolved before it ended: nothing to tell',
    );
  },
);
