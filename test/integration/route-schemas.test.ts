// Routes compile their schemas on first use (src/infra/lazy-schema-compilers.ts), so a schema that
// cannot compile would only fail on some user's first request. Here the whole app is built with
// the same compilers made eager: every route's validator and response serialisers compile now.
import Fastify from 'fastify';
import t from 'tap';
import {
  eagerCompilersFactory,
  lazyCompilersFactory,
} from '../../src/infra/lazy-schema-compilers.ts';
import { buildTestApp } from '../helpers/app.ts';

t.test('every route of the app compiles its schemas', async (t) => {
  const { app } = await buildTestApp(t, { compilersFactory: eagerCompilersFactory });
  await app.ready();
  t.ok(app.hasRoute({ method: 'POST', url: '/v1/logs/aggregate' }), 'the API routes are there');
  t.ok(app.hasRoute({ method: 'POST', url: '/v1/logs' }), 'and ingest');
});

t.test('eager compilers refuse a broken schema at startup, lazy ones on first use', async (t) => {
  const broken = { body: { type: 'object', properties: { n: { type: 'no-such-type' } } } };
  const eager = Fastify({ schemaController: { compilersFactory: eagerCompilersFactory } });
  eager.post('/x', { schema: broken }, async () => ({}));
  await t.rejects(async () => eager.ready(), /no-such-type|schema/i, 'eager: ready() fails');

  const lazy = Fastify({ schemaController: { compilersFactory: lazyCompilersFactory } });
  t.teardown(() => lazy.close());
  lazy.post('/x', { schema: broken }, async () => ({}));
  await lazy.ready();
  const res = await lazy.inject({ method: 'POST', url: '/x', payload: { n: 1 } });
  t.equal(res.statusCode, 500, 'lazy: the first request fails instead');
});

t.test('lazy compilers validate, coerce and serialise as the eager ones do', async (t) => {
  const schema = {
    querystring: {
      type: 'object',
      properties: {
        n: { type: 'integer', minimum: 1 },
        tag: { type: 'array', items: { type: 'string' } },
      },
      required: ['n'],
      additionalProperties: false,
    },
    response: {
      200: {
        type: 'object',
        properties: { n: { type: 'integer' }, tag: { type: 'array', items: { type: 'string' } } },
      },
    },
  };
  const answers: Record<string, unknown[]> = {};
  for (const [name, factory] of Object.entries({
    eager: eagerCompilersFactory,
    lazy: lazyCompilersFactory,
  })) {
    const app = Fastify({
      schemaController: { compilersFactory: factory },
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    });
    t.teardown(() => app.close());
    app.get('/q', { schema }, async (request) => ({ ...(request.query as object), secret: 'x' }));
    const list: unknown[] = [];
    for (const url of [
      '/q?n=2&tag=a',
      '/q?n=2&tag=a&tag=b',
      '/q?n=0',
      '/q',
      '/q?n=x',
      '/q?n=1&z=1',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      list.push([url, res.statusCode, res.json()]);
    }
    answers[name] = list;
  }
  t.same(answers.lazy, answers.eager, 'same statuses and bodies');
  t.match(
    answers.lazy?.[0],
    ['/q?n=2&tag=a', 200, { n: 2, tag: ['a'] }],
    'a single value coerced to an array',
  );
  t.notOk(
    JSON.stringify(answers.lazy).includes('secret'),
    'the response schema drops extra fields',
  );
  t.match(answers.lazy?.[2], ['/q?n=0', 400, { message: /must be >= 1/ }]);
});
