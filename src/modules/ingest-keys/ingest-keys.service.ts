import type { Db } from '../../infra/postgres.ts';
import { displayPrefix, generateSecret, hashSecret } from '../../infra/secret-token.ts';
import type { OrgScope } from '../apps/apps.repository.ts';
import { createIngestKeysRepository, type IngestKeyRecord } from './ingest-keys.repository.ts';

export interface CreatedIngestKey {
  record: IngestKeyRecord;
  /** The only time the key exists in clear: shown once, then only its hash is kept. */
  key: string;
}

export async function createIngestKey(
  db: Db,
  scope: OrgScope,
  input: { appId: string; name: string; expiresAt?: Date | null },
): Promise<CreatedIngestKey> {
  const key = generateSecret('mlk');
  const record = await createIngestKeysRepository(db).create(scope, {
    appId: input.appId,
    name: input.name,
    displayPrefix: displayPrefix(key),
    keyHash: hashSecret(key),
    expiresAt: input.expiresAt ?? null,
  });
  return { record, key };
}
