// Shippers' Elasticsearch handshake on `/`, /_license and /_cluster/health, and that `/` still
// serves the web app to a browser.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import { bearer, createTenant } from './ingest-fixtures.ts';

const BROWSER = {
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
};
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const BAD_KEY = 'mlk_notarealkeynotarealkeynotarealk123456';

t.test('Elasticsearch handshake', async (t) => {
  const { app, db } = await buildTestApp(t, { env: { INGEST_GROUP_COMMIT_WINDOW_MS: '10' } });
  const tenant = await createTenant(db);

  t.test('GET / with an ingest key answers as Elasticsearch 8.11.0', async (t) => {
    for (const headers of [
      bearer(tenant.key),
      { 'x-api-key': tenant.key },
      { ...basic('filebeat', tenant.key), 'user-agent': 'Filebeat/8.11.0 (linux; amd64)' },
      // Logstash and Vector send no Accept; the official clients send the ES media type.
      { ...bearer(tenant.key), accept: 'application/vnd.elasticsearch+json; compatible-with=8' },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/', headers });
      t.equal(res.statusCode, 200, res.body);
      t.equal(res.headers['x-elastic-product'], 'Elasticsearch');
      t.match(res.headers['content-type'], /application\/json/);
      const body = res.json();
      t.match(body, {
        name: String,
        cluster_name: String,
        cluster_uuid: /^[\w-]{22}$/,
        version: {
          number: '8.11.0',
          build_flavor: 'default',
          lucene_version: '9.8.0',
          minimum_wire_compatibility_version: '7.17.0',
          minimum_index_compatibility_version: '7.0.0',
        },
        tagline: 'You Know, for Search',
      });
    }
  });

  t.test('HEAD / (Logstash health check) answers 200 with the header and no body', async (t) => {
    const res = await app.inject({ method: 'HEAD', url: '/', headers: bearer(tenant.key) });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    t.equal(res.body, '');
  });

  t.test('a browser opening / still gets the web app', async (t) => {
    for (const headers of [BROWSER, { 'user-agent': BROWSER['user-agent'] }]) {
      const res = await app.inject({ method: 'GET', url: '/', headers });
      t.match(res.headers['content-type'], /text\/html/, 'the SPA page');
      t.match(res.body, /<!doctype html>/i);
      t.equal(res.headers['x-elastic-product'], undefined);
      t.not(res.statusCode, 401);
    }
    // A proxy's Basic auth in front of the web app puts credentials on page navigations too.
    const proxied = await app.inject({
      method: 'GET',
      url: '/',
      headers: { ...BROWSER, ...basic('alice', 'secret') },
    });
    t.match(proxied.headers['content-type'], /text\/html/);
  });

  t.test('a bad or missing key gets the ingest routes’ 401', async (t) => {
    const bulk = await app.inject({
      method: 'POST',
      url: '/_bulk',
      headers: { ...bearer(BAD_KEY), 'content-type': 'application/x-ndjson' },
      payload: '{"index":{}}\n{"message":"x"}\n',
    });
    t.equal(bulk.statusCode, 401);
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await app.inject({ method, url: '/', headers: bearer(BAD_KEY) });
      t.equal(res.statusCode, 401, `${method} / with a bad key`);
      t.equal(res.headers['x-elastic-product'], undefined);
      if (method === 'GET') t.same(res.json(), bulk.json(), 'the same error body as /_bulk');
    }
    const basicBad = await app.inject({
      method: 'GET',
      url: '/',
      headers: basic('logstash', 'wrong'),
    });
    t.same(basicBad.json(), bulk.json());
    // No key and no ES media type: curl gets what a browser gets, not an ES answer.
    const curl = await app.inject({
      method: 'GET',
      url: '/',
      headers: { 'user-agent': 'curl/8.5' },
    });
    t.equal(curl.headers['x-elastic-product'], undefined, 'curl is not taken for an ES client');
    t.not(curl.statusCode, 401);
  });

  t.test('GET /_license (Logstash) and GET /_cluster/health (Vector)', async (t) => {
    const license = await app.inject({ url: '/_license', headers: bearer(tenant.key) });
    t.equal(license.statusCode, 200);
    t.equal(license.headers['x-elastic-product'], 'Elasticsearch');
    t.match(license.json(), { license: { status: 'active', type: 'basic' } });
    const health = await app.inject({ url: '/_cluster/health', headers: bearer(tenant.key) });
    t.equal(health.statusCode, 200);
    t.match(health.json(), { status: 'green' });
    for (const url of ['/_license', '/_cluster/health']) {
      const res = await app.inject({ url, headers: BROWSER });
      t.equal(res.statusCode, 401, `${url} needs a key`);
    }
  });

  t.test('POST /_bulk answers with the product header the official clients check', async (t) => {
    const res = await app.inject({
      method: 'POST',
      url: '/_bulk',
      headers: { ...bearer(tenant.key), 'content-type': 'application/x-ndjson' },
      payload: '{"index":{"_index":"app"}}\n{"message":"hello"}\n',
    });
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    t.equal(res.json().errors, false);
  });

  t.test('the handshake routes are in the OpenAPI document', async (t) => {
    // /docs/json needs sign-in by default (DOCS_ACCESS); the document itself is what matters here.
    const doc = app.swagger() as { paths: Record<string, { get?: unknown }> };
    t.ok(doc.paths['/']?.get, 'GET /');
    t.ok(doc.paths['/_license']?.get, 'GET /_license');
    t.ok(doc.paths['/_cluster/health']?.get, 'GET /_cluster/health');
  });
});
