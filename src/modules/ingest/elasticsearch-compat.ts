// What Elasticsearch shippers ask before they POST /_bulk, answered as an Elasticsearch 8 cluster:
//   GET|HEAD /           version check: Beats, Logstash (HEAD is its health check), Vector
//                        (api_version auto), the official clients (they also want X-Elastic-Product)
//   GET /_license        Logstash's ES output keeps a node out of its pool without an active license
//   GET /_cluster/health Vector's sink healthcheck (expects a 200)
// The document, refresh and template APIs the clients call are in elasticsearch-api.routes.ts.
// MyLog has no ILM: Beats must run with setup.ilm.enabled=false, Logstash with ilm_enabled=>false.
//
// `/` is also the web app's page. Both are routes on `/`: the Elasticsearch one carries the
// ELASTICSEARCH_CLIENT constraint, which matches only requests that look like an ES client, so a
// browser still gets the SPA. The same constraint sends an ES client's request for an API MyLog
// does not serve (`/:index/_search`, …) to a JSON error instead of the web app.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type {
  EsClusterHealth,
  EsDocumentResponse,
  EsErrorResponse,
  EsInfo,
  EsLicense,
  EsRefreshResponse,
} from './ingest.schemas.ts';
import type { BulkItem } from './decode/index.ts';

export const ELASTIC_PRODUCT_HEADER = 'x-elastic-product';
export const ELASTIC_PRODUCT = 'Elasticsearch';

/** 8.11.0 as released: the Lucene and compatibility versions are that release's. */
const ES_VERSION = {
  number: '8.11.0',
  build_flavor: 'default',
  build_type: 'mylog',
  build_hash: 'mylog',
  build_date: '2023-11-04T10:04:57.184859352Z',
  build_snapshot: false,
  lucene_version: '9.8.0',
  minimum_wire_compatibility_version: '7.17.0',
  minimum_index_compatibility_version: '7.0.0',
} as const;

const CLUSTER_NAME = 'mylog';
/** License dates are fixed so that the answer never changes between calls. */
const LICENSE_ISSUED_MS = Date.UTC(2023, 10, 4);

/** Fastify route constraint: `constraints: { [ELASTICSEARCH_CLIENT]: 'yes' }`. */
export const ELASTICSEARCH_CLIENT = 'elasticsearchClient';

type ConstraintStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteStore = ReturnType<ReturnType<ConstraintStrategy['storage']>['get']>;

/**
 * find-my-way derives constraints for every request once a route uses one, so this returns after
 * one string scan for every path but `/` and those with a `/_` segment after the first: /v1/logs
 * pays that scan, /:index/_bulk a few header reads.
 */
export const elasticsearchClientConstraint: ConstraintStrategy = {
  name: ELASTICSEARCH_CLIENT,
  mustMatchWhenDerived: false,
  storage() {
    const handlers = new Map<unknown, RouteStore>();
    return {
      get: (value) => handlers.get(value) ?? null,
      set: (value, store) => void handlers.set(value, store),
    };
  },
  deriveConstraint(req: IncomingMessage): string | undefined {
    // undefined: only the routes without this constraint (the web app's `/`) can match.
    const url = req.url ?? '';
    if (url !== '/' && !url.startsWith('/?') && url.indexOf('/_', 1) === -1) return undefined;
    return isElasticsearchClient(req.headers) ? 'yes' : undefined;
  },
};

/**
 * An ES client: it sends credentials (the ingest routes' Authorization Bearer/Basic or X-API-Key)
 * or the ES media type. A shipper that can send to MyLog has a key, so a request with neither,
 * like `curl http://host/`, still gets the web app. A page navigation (Accept: text/html) is a
 * browser even with credentials, which a proxy's Basic auth in front of the web app would add.
 */
export function isElasticsearchClient(headers: IncomingHttpHeaders): boolean {
  const accept = headers.accept ?? '';
  if (accept.includes('text/html')) return false;
  if (headers.authorization !== undefined || headers['x-api-key'] !== undefined) return true;
  return accept.includes('application/vnd.elasticsearch+json');
}

/** A stable, non-secret id for this deployment, in the 22-character form ES uses. */
function clusterUuid(config: Config): string {
  return createHash('sha256').update(`mylog:${config.publicUrl}`).digest('base64url').slice(0, 22);
}

export function elasticsearchInfo(config: Config): EsInfo {
  return {
    name: CLUSTER_NAME,
    cluster_name: CLUSTER_NAME,
    cluster_uuid: clusterUuid(config),
    version: { ...ES_VERSION },
    tagline: 'You Know, for Search',
  };
}

export function elasticsearchLicense(config: Config): EsLicense {
  return {
    license: {
      status: 'active',
      uid: clusterUuid(config),
      type: 'basic',
      issue_date: new Date(LICENSE_ISSUED_MS).toISOString(),
      issue_date_in_millis: LICENSE_ISSUED_MS,
      max_nodes: 1000,
      issued_to: CLUSTER_NAME,
      issuer: 'elasticsearch',
      start_date_in_millis: -1,
    },
  };
}

export function elasticsearchClusterHealth(): EsClusterHealth {
  return {
    cluster_name: CLUSTER_NAME,
    status: 'green',
    timed_out: false,
    number_of_nodes: 1,
    number_of_data_nodes: 1,
  };
}

const SHARDS = { total: 1, successful: 1, failed: 0 } as const;

/** The index/create APIs' answer for an accepted document (a bulk item of one). */
export function elasticsearchDocumentResponse(item: BulkItem): EsDocumentResponse {
  return {
    _index: item.index,
    _id: item.id ?? '',
    _version: 1,
    result: 'created',
    _shards: { ...SHARDS },
    _seq_no: 0,
    _primary_term: 1,
  };
}

export function elasticsearchRefreshResponse(): EsRefreshResponse {
  return { _shards: { ...SHARDS } };
}

/** Elasticsearch's exception type for a MyLog error status, when the error names none. */
const ES_ERROR_TYPES: Record<number, string> = {
  400: 'illegal_argument_exception',
  401: 'security_exception',
  403: 'security_exception',
  404: 'resource_not_found_exception',
  413: 'request_entity_too_large_exception',
  415: 'media_type_header_exception',
  429: 'es_rejected_execution_exception',
  503: 'unavailable_shards_exception',
};

/**
 * An error in both shapes: MyLog's `error.code`/`error.message`, and Elasticsearch's
 * `error.type`/`error.reason`/`root_cause` and `status`, which the ES clients put in their
 * exception message.
 */
export function elasticsearchErrorBody(
  status: number,
  code: string,
  message: string,
  type = ES_ERROR_TYPES[status] ?? 'exception',
): EsErrorResponse {
  return {
    error: { code, message, type, reason: message, root_cause: [{ type, reason: message }] },
    status,
  };
}
