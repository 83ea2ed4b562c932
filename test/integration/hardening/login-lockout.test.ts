// Issue 21 item 8: strangers guessing an account's password cannot lock its owner out. Guesses are
// throttled per IP and per (account, IP); the account-wide ceiling (a guessing botnet) only holds
// back IPs the account has never signed in from.
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { makeUser } from '../auth/auth-fixtures.ts';

function login(app: FastifyInstance, ip: string, email: string, password: string) {
  return app.inject({
    method: 'POST',
    url: '/auth/local',
    remoteAddress: ip,
    payload: { email, password },
  });
}

t.test('login throttling', async (t) => {
  const { app, db } = await buildTestApp(t, {
    env: {
      // Small limits: every attempt below them costs a real scrypt (~0.2 s of CPU).
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '5',
      LOGIN_MAX_ATTEMPTS_PER_IP: '20',
      LOGIN_MAX_ATTEMPTS_PER_ACCOUNT_ALL_IPS: '16',
    },
  });
  const email = 'owner@lockout.test';
  await makeUser(db, email, { password: 'right horse battery', platformAdmin: true });
  const ownerHome = '198.51.100.7';
  t.equal((await login(app, ownerHome, email, 'right horse battery')).statusCode, 200);

  await t.test('one stranger: throttled on the account from its IP only', async (t) => {
    const stranger = '203.0.113.66';
    const codes: number[] = [];
    for (let i = 0; i < 8; i++)
      codes.push((await login(app, stranger, email, `guess ${i}`)).statusCode);
    t.same(codes.slice(0, 5), Array(5).fill(401));
    t.same(codes.slice(5), Array(3).fill(429), 'the stranger is held back');
    const res = await login(app, '192.0.2.10', email, 'right horse battery');
    t.equal(res.statusCode, 200, `the owner elsewhere still signs in: ${res.body}`);
    const wrong = await login(app, stranger, email, 'right horse battery');
    t.equal(wrong.statusCode, 429, 'the stranger stays throttled even with the right password');
  });

  await t.test('many strangers: the owner still signs in from a known IP', async (t) => {
    for (let i = 0; i < 24; i++)
      await login(app, `203.0.113.${100 + (i % 12)}`, email, `guess ${i}`);
    const newcomer = await login(app, '192.0.2.99', email, 'some guess');
    t.equal(newcomer.statusCode, 429, 'an unknown IP waits once the account is under attack');
    const res = await login(app, ownerHome, email, 'right horse battery');
    t.equal(res.statusCode, 200, `known IP: ${res.body}`);
  });

  await t.test('one IP spraying accounts is throttled', async (t) => {
    const sprayer = '203.0.113.200';
    let last = 0;
    for (let i = 0; i < 22; i++)
      last = (await login(app, sprayer, `u${i}@x.test`, 'pw')).statusCode;
    t.equal(last, 429);
  });
});
