// The VAPID key pair that signs every push request: from the environment in production; outside it,
// generated once and kept in the data directory, because every subscription a browser made is
// bound to the public key it was given, and a new key per restart would orphan all of them.
import fs from 'node:fs';
import path from 'node:path';
import webPush from 'web-push';
import type { Config } from '../../config.ts';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export const DEV_VAPID_FILE = 'vapid-keys.json';

/** undefined: Web Push is off (production without VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY). */
export function resolveVapidKeys(config: Config): VapidKeys | undefined {
  const { vapidPublicKey, vapidPrivateKey, generateDevKeys } = config.push;
  if (vapidPublicKey !== undefined && vapidPrivateKey !== undefined) {
    return { publicKey: vapidPublicKey, privateKey: vapidPrivateKey };
  }
  if (!generateDevKeys) return undefined;
  const file = path.join(config.dataDir, DEV_VAPID_FILE);
  const stored = readKeys(file);
  if (stored) return stored;
  fs.mkdirSync(config.dataDir, { recursive: true });
  const generated = webPush.generateVAPIDKeys();
  try {
    // 'wx': when two processes start together, the first file written wins for both.
    fs.writeFileSync(file, JSON.stringify(generated), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readKeys(file) ?? generated;
  }
  return generated;
}

function readKeys(file: string): VapidKeys | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<VapidKeys>;
    if (typeof parsed.publicKey === 'string' && typeof parsed.privateKey === 'string') {
      return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
    }
  } catch {
    // A half-written file from a concurrent start: the caller generates or re-reads.
  }
  return undefined;
}
