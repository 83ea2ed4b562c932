// Notification channels: org admins create, change, test and delete them; every member sees which
// exist (to pick them for a rule), admins also see their URLs. Changes are audited.
import { randomBytes } from 'node:crypto';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Config } from '../../config.ts';
import { BadRequestError, NotFoundError } from '../../infra/errors.ts';
import type { Db } from '../../infra/postgres.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import type { AuditActor, AuthContext } from '../auth/auth-context.ts';
import { requireOrgRole, type AuthorizedOrg } from '../auth/authorize.ts';
import { roleAtLeast } from '../auth/roles.ts';
import { createMembershipsRepository } from '../members/memberships.repository.ts';
import { createChannelsRepository, type ChannelRow } from './channels.repository.ts';
import {
  CONFIG_SCHEMAS,
  type Channel,
  type ChannelTypeName,
  type CreateChannelBody,
  type UpdateChannelBody,
} from './channels.schemas.ts';

export type ChannelJson = Static<typeof Channel>;

function mask(url: unknown): string {
  const text = String(url ?? '');
  try {
    return `${new URL(text).origin}/…`;
  } catch {
    return '…';
  }
}

/** Secrets never leave; URLs (a Slack URL is itself a credential) only to admins. */
export function channelJson(row: ChannelRow, canSeeUrls: boolean): ChannelJson {
  const config = { ...(row.config as Record<string, unknown>) };
  if ('secret' in config) {
    delete config.secret;
    config.secret_set = true;
  }
  if ('url' in config && !canSeeUrls) config.url = mask(config.url);
  return {
    id: row.id,
    org_id: row.org_id,
    name: row.name,
    type: row.type,
    config,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

async function checkedConfig(
  db: Db,
  config: Config,
  org: AuthorizedOrg,
  type: ChannelTypeName,
  raw: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const schema: TSchema = CONFIG_SCHEMAS[type];
  const first = Value.Errors(schema, raw).First();
  if (first) {
    throw new BadRequestError('invalid_channel_config', `config${first.path}: ${first.message}`, {
      path: first.path,
    });
  }
  if (type === 'email' && !config.notifications.smtpUrl && !config.notifications.devMailSink) {
    throw new BadRequestError(
      'email_not_configured',
      'this server has no SMTP server (SMTP_URL); email channels cannot deliver',
    );
  }
  if (type === 'in_app' && Array.isArray(raw.user_ids) && raw.user_ids.length > 0) {
    const members = new Set(
      (await createMembershipsRepository(db).list(org)).map((m) => m.user_id),
    );
    const stranger = (raw.user_ids as string[]).find((id) => !members.has(id));
    if (stranger)
      throw new BadRequestError('unknown_member', `${stranger} is not a member of this org`);
  }
  return { ...raw };
}

export async function listChannels(db: Db, auth: AuthContext, orgRef: string) {
  const org = await requireOrgRole(db, auth, orgRef, 'viewer');
  const rows = await createChannelsRepository(db).list(org);
  return rows.map((row) => channelJson(row, roleAtLeast(org.role, 'admin')));
}

/** The channel if the caller is in its org (platform admins: any org); 404 otherwise. */
export async function getChannel(db: Db, auth: AuthContext, id: string) {
  const orgIds = auth.user.platformAdmin ? undefined : auth.memberships.map((m) => m.orgId);
  const row = await createChannelsRepository(db).findInOrgs(orgIds, id);
  if (!row) throw new NotFoundError('notification channel');
  return { row, org: await requireOrgRole(db, auth, row.org_id, 'viewer') };
}

export async function createChannel(
  db: Db,
  config: Config,
  auth: AuthContext,
  actor: AuditActor,
  body: Static<typeof CreateChannelBody>,
): Promise<{ channel: ChannelJson; secret?: string }> {
  const org = await requireOrgRole(db, auth, body.org, 'admin');
  const fields = await checkedConfig(db, config, org, body.type, body.config);
  let secret: string | undefined;
  if (body.type === 'webhook' && fields.secret === undefined) {
    secret = `whsec_${randomBytes(24).toString('base64url')}`;
    fields.secret = secret;
  }
  const row = await db.transaction().execute(async (trx) => {
    const created = await createChannelsRepository(trx).insert(org, {
      name: body.name,
      type: body.type,
      config: fields,
      createdBy: auth.user.id,
    });
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'notification_channel.create',
      targetType: 'notification_channel',
      targetId: created.id,
      after: channelJson(created, true),
    });
    return created;
  });
  return { channel: channelJson(row, true), ...(secret ? { secret } : {}) };
}

export async function updateChannel(
  db: Db,
  config: Config,
  auth: AuthContext,
  actor: AuditActor,
  id: string,
  body: Static<typeof UpdateChannelBody>,
): Promise<ChannelJson> {
  const { row } = await getChannel(db, auth, id);
  const org = await requireOrgRole(db, auth, row.org_id, 'admin');
  let fields: Record<string, unknown> | undefined;
  if (body.config !== undefined) {
    fields = await checkedConfig(db, config, org, row.type, body.config);
    // A webhook keeps its secret unless a new one is given.
    const previous = row.config as Record<string, unknown>;
    if (row.type === 'webhook' && fields.secret === undefined) fields.secret = previous.secret;
  }
  const updated = await db.transaction().execute(async (trx) => {
    const after = await createChannelsRepository(trx).update(org, id, {
      name: body.name,
      config: fields,
    });
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'notification_channel.update',
      targetType: 'notification_channel',
      targetId: id,
      before: channelJson(row, true),
      after: channelJson(after, true),
    });
    return after;
  });
  return channelJson(updated, true);
}

export async function deleteChannel(
  db: Db,
  auth: AuthContext,
  actor: AuditActor,
  id: string,
): Promise<ChannelJson> {
  const { row } = await getChannel(db, auth, id);
  const org = await requireOrgRole(db, auth, row.org_id, 'admin');
  await db.transaction().execute(async (trx) => {
    await createChannelsRepository(trx).delete(org, id);
    // Rules keep working without it; the id is dropped from their lists.
    await trx
      .updateTable('alert_rules')
      .set((eb) => ({ channel_ids: eb.fn('array_remove', ['channel_ids', eb.val(id)]) }))
      .where('org_id', '=', org.orgId)
      .execute();
    await appendAudit(trx, actor, {
      orgId: org.orgId,
      action: 'notification_channel.delete',
      targetType: 'notification_channel',
      targetId: id,
      before: channelJson(row, true),
    });
  });
  return channelJson(row, true);
}
