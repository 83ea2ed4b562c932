// A stand-in push service on loopback, written from the RFCs rather than from web-push's code, so
// the sender's output is checked independently: each request's VAPID token (RFC 8292: ES256 JWT,
// audience = this origin) is verified against the key in its Authorization header, and its body
// is decrypted (RFC 8291 / RFC 8188 aes128gcm) with the browser-side private key and auth secret
// of a device made here.
import { createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createDecipheriv, hkdfSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushDevice {
  /** What a browser's PushSubscription.toJSON() would give (endpoint on this receiver). */
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  privateKey: Buffer;
  publicKey: Buffer;
  authSecret: Buffer;
}

export interface ReceivedPush {
  device: string;
  headers: http.IncomingHttpHeaders;
  /** The VAPID public key the request was signed with (base64url), once the signature checked. */
  vapidKey: string;
  claims: { aud: string; exp: number; sub: string };
  plaintext: string;
}

export interface PushReceiver {
  origin: string;
  received: ReceivedPush[];
  /** Requests that failed a check (bad token, undecryptable body): each with why. */
  rejected: string[];
  /** Status answered per device name (default 201, as push services do). */
  statusFor: Map<string, number>;
  device(name: string): PushDevice;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const devices = new Map<string, PushDevice>();
  const receiver: PushReceiver = {
    origin: '',
    received: [],
    rejected: [],
    statusFor: new Map(),
    device(name) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const device: PushDevice = {
        privateKey: ecdh.getPrivateKey(),
        publicKey: ecdh.getPublicKey(),
        authSecret: randomBytes(16),
        subscription: { endpoint: '', keys: { p256dh: '', auth: '' } },
      };
      device.subscription = {
        endpoint: `${receiver.origin}/push/${name}`,
        keys: {
          p256dh: device.publicKey.toString('base64url'),
          auth: device.authSecret.toString('base64url'),
        },
      };
      devices.set(name, device);
      return device;
    },
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (receiver.received.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `got ${receiver.received.length} of ${count} pushes; rejected: ${receiver.rejected.join('; ')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return receiver.received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const name = (req.url ?? '').replace(/^\/push\//, '');
      const device = devices.get(name);
      try {
        if (!device) throw new Error(`unknown device ${name}`);
        const { key, claims } = verifyVapid(String(req.headers.authorization ?? ''));
        if (claims.aud !== receiver.origin) throw new Error(`aud ${claims.aud}`);
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
        const plaintext = decryptAes128gcm(Buffer.concat(chunks), device);
        receiver.received.push({
          device: name,
          headers: req.headers,
          vapidKey: key,
          claims,
          plaintext,
        });
        res.writeHead(receiver.statusFor.get(name) ?? 201).end();
      } catch (error) {
        receiver.rejected.push((error as Error).message);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

/** RFC 8292: `vapid t=<JWT>, k=<P-256 public key>`; the JWT is ES256 over header.payload. */
function verifyVapid(header: string): { key: string; claims: ReceivedPush['claims'] } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header);
  if (!match) throw new Error(`no VAPID authorization (${header.slice(0, 20)})`);
  const [, token = '', key = ''] = match;
  const [head = '', payload = '', signature = ''] = token.split('.');
  const point = Buffer.from(key, 'base64url');
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${head}.${payload}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('VAPID signature does not verify');
  if (JSON.parse(Buffer.from(head, 'base64url').toString()).alg !== 'ES256') {
    throw new Error('VAPID alg is not ES256');
  }
  return { key, claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) };
}

/** RFC 8291 §3.4 key derivation, then one RFC 8188 record with its 0x02 padding delimiter. */
function decryptAes128gcm(body: Buffer, device: PushDevice): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverPublic = body.subarray(21, 21 + idLength);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(device.privateKey);
  const shared = ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), device.publicKey, serverPublic]);
  // HKDF spelled out for the first step (as the RFC writes it), hkdfSync for the rest.
  const prkKey = createHmac('sha256', device.authSecret).update(shared).digest();
  const ikm = createHmac('sha256', prkKey)
    .update(Buffer.concat([keyInfo, Buffer.from([1])]))
    .digest();
  const derive = (info: string, length: number): Buffer =>
    Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info), length));
  const cek = derive('Content-Encoding: aes128gcm\0', 16);
  const nonce = derive('Content-Encoding: nonce\0', 12);
  const record = body.subarray(21 + idLength);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([
    decipher.update(record.subarray(0, record.length - 16)),
    decipher.final(),
  ]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}
