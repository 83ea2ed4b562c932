// A deliberately misbehaving OpenID provider: discovery, JWKS and a token endpoint that answers
// with whatever ID token the test asks for (wrong audience, expired, unsigned, foreign key…).
import { createSign, generateKeyPairSync, createHmac, type KeyObject } from 'node:crypto';
import http from 'node:http';

export type IdTokenMutation = (
  claims: Record<string, unknown>,
  header: Record<string, unknown>,
) => void;

function b64(value: object | Buffer): string {
  return (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString(
    'base64url',
  );
}

export async function startFakeIdp(clientId: string) {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const state: {
    mutate: IdTokenMutation;
    nonce: string;
    signWith: 'right' | 'foreign' | 'hmac' | 'none';
  } = {
    mutate: () => undefined,
    nonce: '',
    signWith: 'right',
  };
  let issuer = '';
  const sign = (header: Record<string, unknown>, claims: Record<string, unknown>): string => {
    const input = `${b64(header)}.${b64(claims)}`;
    if (state.signWith === 'none') return `${input}.`;
    if (state.signWith === 'hmac')
      return `${input}.${createHmac('sha256', clientId).update(input).digest('base64url')}`;
    const signer = createSign('RSA-SHA256').update(input);
    const pk: KeyObject = state.signWith === 'foreign' ? foreignKey : key.privateKey;
    return `${input}.${signer.sign(pk).toString('base64url')}`;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (body: object) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (url.pathname === '/jwks') {
      return json({
        keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }],
      });
    }
    if (url.pathname === '/token') {
      req.resume();
      const now = Math.floor(Date.now() / 1000);
      const claims: Record<string, unknown> = {
        iss: issuer,
        aud: clientId,
        sub: 'fake-user-1',
        email: 'someone@fake.test',
        email_verified: true,
        groups: ['acme:member'],
        nonce: state.nonce,
        iat: now,
        exp: now + 300,
      };
      const header: Record<string, unknown> = {
        alg: state.signWith === 'hmac' ? 'HS256' : state.signWith === 'none' ? 'none' : 'RS256',
        kid: 'k1',
        typ: 'JWT',
      };
      state.mutate(claims, header);
      return json({
        access_token: 'at',
        token_type: 'Bearer',
        expires_in: 300,
        id_token: sign(header, claims),
      });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  issuer = `http://127.0.0.1:${address.port}`;
  return {
    issuer,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
