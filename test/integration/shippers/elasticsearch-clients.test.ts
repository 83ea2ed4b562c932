// The official Elasticsearch clients (9 and 8) and the OpenSearch client, configured as their own
// docs say, against a real MyLog on loopback: index, create, bulk, the bulk helper, refresh, their
// auth, and what they see for a wrong key or an API MyLog does not serve.
import t from 'tap';
import { Client as Es9 } from '@elastic/elasticsearch';
import { Client as Es8 } from 'es8';
import { Client as OpenSearch } from '@opensearch-project/opensearch';
import { recentInstant } from '../../helpers/recent-time.ts';
import type { Tenant } from '../ingest/ingest-fixtures.ts';
import { byMessage, startShipperServer, WRONG_KEY } from './shipper-server.ts';

/** What the three clients have in common, in the shape each takes its bodies. */
interface Shipper {
  index(index: string, document: object, id?: string): Promise<{ _id: string; result: string }>;
  create(index: string, id: string, document: object): Promise<{ _id: string; result: string }>;
  bulk(operations: object[]): Promise<{ errors: boolean; items: unknown[] }>;
  helperBulk(index: string, documents: object[]): Promise<{ successful: number; failed: number }>;
  refresh(index?: string): Promise<unknown>;
  search(index: string): Promise<unknown>;
  close(): Promise<void>;
}

type Auth = { apiKey: string } | { username: string; password: string };

function es9(node: string, auth: Auth, compression = false): Shipper {
  const client = new Es9({ node, auth, compression });
  return {
    index: (index, document, id) => client.index({ index, id, document }),
    create: (index, id, document) => client.create({ index, id, document }),
    bulk: (operations) => client.bulk({ operations }),
    helperBulk: (index, datasource) =>
      client.helpers.bulk({ datasource, onDocument: () => ({ index: { _index: index } }) }),
    refresh: (index) => client.indices.refresh(index === undefined ? {} : { index }),
    search: (index) => client.search({ index, query: { match_all: {} } }),
    close: () => client.close(),
  };
}

function es8(node: string, auth: Auth, compression = false): Shipper {
  const client = new Es8({ node, auth, compression });
  return {
    index: (index, document, id) => client.index({ index, id, document }),
    create: (index, id, document) => client.create({ index, id, document }),
    bulk: (operations) => client.bulk({ operations }),
    helperBulk: (index, datasource) =>
      client.helpers.bulk({ datasource, onDocument: () => ({ index: { _index: index } }) }),
    refresh: (index) => client.indices.refresh(index === undefined ? {} : { index }),
    search: (index) => client.search({ index, query: { match_all: {} } }),
    close: () => client.close(),
  };
}

function openSearch(node: string, auth: Auth, compression = false): Shipper {
  // The OpenSearch client speaks Basic auth only; the key is the password.
  const client = new OpenSearch({
    node,
    auth: 'apiKey' in auth ? { username: 'mylog', password: auth.apiKey } : auth,
    ...(compression ? { compression: 'gzip' as const } : {}),
  });
  return {
    index: async (index, body, id) =>
      (await client.index({ index, id, body: body as Record<string, unknown> })).body,
    create: async (index, id, body) =>
      (await client.create({ index, id, body: body as Record<string, unknown> })).body,
    bulk: async (body) =>
      (await client.bulk({ body: body as Record<string, unknown>[] })).body as {
        errors: boolean;
        items: unknown[];
      },
    helperBulk: (index, datasource) =>
      client.helpers.bulk({ datasource, onDocument: () => ({ index: { _index: index } }) }),
    refresh: async (index) =>
      (await client.indices.refresh(index === undefined ? {} : { index })).body,
    search: async (index) =>
      (await client.search({ index, body: { query: { match_all: {} } } })).body,
    close: () => client.close(),
  };
}

const CLIENTS = [
  { name: 'elasticsearch 9', make: es9 },
  { name: 'elasticsearch 8', make: es8 },
  { name: 'opensearch', make: openSearch },
];

t.test('Elasticsearch and OpenSearch clients', async (t) => {
  const server = await startShipperServer(t);

  for (const { name, make } of CLIENTS) {
    t.test(
      `${name}: index, create, bulk, helpers.bulk and refresh store every record once`,
      async (t) => {
        const tenant: Tenant = await server.newTenant();
        // gzip request bodies on the way too: the clients' `compression` option.
        const client = make(server.url, { apiKey: tenant.key }, true);
        t.teardown(() => client.close());
        const sent = recentInstant(10 * 60 * 1000, 250_000_000);
        const doc = (message: string, extra: object = {}) => ({
          '@timestamp': sent.rfc3339,
          'log.level': 'warn',
          message,
          service: { name: 'checkout' },
          host: { name: 'web-1' },
          http: { status: 502 },
          ...extra,
        });

        const indexed = await client.index('app-logs', doc(`${name} index`));
        t.equal(indexed.result, 'created');
        t.match(indexed._id, /^[0-9a-f-]{36}$/, 'an id MyLog made');
        const withId = await client.index('app-logs', doc(`${name} index with id`), 'order-1');
        t.equal(withId._id, 'order-1', 'the id the client chose');
        const created = await client.create('app-logs', 'order-2', doc(`${name} create`));
        t.match(created, { _id: 'order-2', result: 'created' });

        const bulk = await client.bulk([
          { index: { _index: 'app-logs' } },
          doc(`${name} bulk 1`),
          { create: { _index: 'app-logs', _id: 'b2' } },
          doc(`${name} bulk 2`, { 'log.level': 'error' }),
        ]);
        t.equal(bulk.errors, false);
        t.equal(bulk.items.length, 2);

        const helper = await client.helperBulk(
          'app-logs',
          [1, 2, 3].map((n) => doc(`${name} helper ${n}`)),
        );
        t.match(helper, { successful: 3, failed: 0 });
        await client.refresh('app-logs');
        await client.refresh();

        const rows = byMessage(await server.rowsOf(tenant, 8));
        t.equal(rows.size, 8, 'every record once');
        for (const message of [
          `${name} index`,
          `${name} index with id`,
          `${name} create`,
          `${name} bulk 1`,
          `${name} helper 1`,
          `${name} helper 3`,
        ]) {
          t.match(
            rows.get(message),
            {
              ts: sent.clickhouse,
              level: 'warn',
              service: 'checkout',
              host: 'web-1',
              attributes: { 'http.status': '502' },
            },
            message,
          );
        }
        t.equal(rows.get(`${name} bulk 2`)?.level, 'error');
      },
    );

    t.test(`${name}: a wrong key and an API MyLog does not serve`, async (t) => {
      const wrong = make(server.url, { apiKey: WRONG_KEY });
      t.teardown(() => wrong.close());
      const refused = (await wrong
        .index('app-logs', { message: 'x' })
        .catch((e: unknown) => e)) as {
        statusCode?: number;
        meta?: { statusCode?: number; body?: unknown };
        message: string;
      };
      t.equal(refused.meta?.statusCode ?? refused.statusCode, 401);
      t.match(refused.meta?.body, {
        error: { code: 'unauthorized_ingest_key', type: 'security_exception' },
        status: 401,
      });
      t.match(refused.message, /security_exception|the ingest key is not valid/);

      const tenant = await server.newTenant();
      const client = make(server.url, { apiKey: tenant.key }, true);
      t.teardown(() => client.close());
      const search = (await client.search('app-logs').catch((e: unknown) => e)) as {
        meta?: { statusCode?: number; body?: unknown; headers?: Record<string, string> };
      };
      t.equal(search.meta?.statusCode, 404);
      t.equal(search.meta?.headers?.['x-elastic-product'], 'Elasticsearch');
      t.match(
        search.meta?.body,
        { error: { code: 'unsupported_elasticsearch_api' }, status: 404 },
        'a JSON error, although the (gzip) body was never parsed',
      );
    });
  }

  t.test('what MyLog answers an ES client elsewhere', async (t) => {
    const tenant = await server.newTenant();
    const es = { authorization: `ApiKey ${tenant.key}` };
    const template = await fetch(`${server.url}/_index_template/logs`, {
      method: 'HEAD',
      headers: es,
    });
    t.equal(template.status, 404, 'no template exists');
    const put = await fetch(`${server.url}/_template/logs`, {
      method: 'PUT',
      headers: { ...es, 'content-type': 'application/json' },
      body: '{"index_patterns":["logs-*"]}',
    });
    t.equal(put.status, 200);
    t.same(await put.json(), { acknowledged: true });
    // The ApiKey scheme with an { id, api_key } pair, as the clients encode it.
    const pair = Buffer.from(`some-id:${tenant.key}`).toString('base64');
    const cat = await fetch(`${server.url}/_cat/indices`, {
      headers: { authorization: `ApiKey ${pair}` },
    });
    t.equal(cat.status, 404);
    t.equal(cat.headers.get('x-elastic-product'), 'Elasticsearch');
    t.match(cat.headers.get('content-type'), /json/);
    const gz = await fetch(`${server.url}/app-logs/_search`, {
      method: 'POST',
      headers: { ...es, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]),
    });
    t.equal(gz.status, 404);
    t.match(await gz.json(), { error: { code: 'unsupported_elasticsearch_api' } });
    // A browser (no key) asking for a web page still gets the web app, not an ES error.
    const page = await fetch(`${server.url}/search/_x`, { headers: { accept: 'text/html' } });
    t.not(page.headers.get('x-elastic-product'), 'Elasticsearch');
  });
});
