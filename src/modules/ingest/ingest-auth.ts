// Finds the ingest key in a request: `Authorization: Bearer <key>`, `X-API-Key: <key>`, HTTP
// Basic with the key as the password (shippers that only speak Basic put anything as the user), or
// `Authorization: ApiKey <key>`, the Elasticsearch clients' first method: the key as it is, or
// base64("<id>:<key>") as the clients encode an `{ id, api_key }` pair (the id is ignored).
import type { IncomingHttpHeaders } from 'node:http';

export function ingestKeyFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.trim() !== '') return apiKey.trim();
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const space = authorization.indexOf(' ');
  if (space === -1) return undefined;
  const scheme = authorization.slice(0, space).toLowerCase();
  const credentials = authorization.slice(space + 1).trim();
  if (scheme === 'bearer') return credentials || undefined;
  if (scheme === 'basic') return afterColon(Buffer.from(credentials, 'base64').toString('utf8'));
  if (scheme === 'apikey') {
    if (credentials.startsWith(KEY_PREFIX)) return credentials;
    return afterColon(Buffer.from(credentials, 'base64').toString('utf8'));
  }
  return undefined;
}

const KEY_PREFIX = 'mlk_';

function afterColon(decoded: string): string | undefined {
  const colon = decoded.indexOf(':');
  return (colon === -1 ? decoded : decoded.slice(colon + 1)) || undefined;
}
