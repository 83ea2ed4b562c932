// One POST over a keep-alive agent, for the benches' senders: plain `http` costs the sending
// process far less CPU per request than `fetch`, and the senders share the box with the server.
import http from 'node:http';

/** Resolves with the status once the response has been read to its end. */
export function postKeepAlive(
  agent: http.Agent,
  url: string | URL,
  headers: { key: string; contentType: string },
  body: Buffer | string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${headers.key}`,
          'content-type': headers.contentType,
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
