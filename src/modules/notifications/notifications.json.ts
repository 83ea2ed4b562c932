// The API shape of an in-app notification (also what the live stream sends).
import type { NotificationRow } from './notifications.repository.ts';

export interface NotificationJson {
  id: string;
  user_id: string;
  org_id: string | null;
  event_id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  state: string | null;
  created_at: string;
  read_at: string | null;
}

export function toJson(row: NotificationRow): NotificationJson {
  return {
    id: row.id,
    user_id: row.user_id,
    org_id: row.org_id,
    event_id: row.event_id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    state: row.state,
    created_at: new Date(row.created_at).toISOString(),
    read_at: row.read_at ? new Date(row.read_at).toISOString() : null,
  };
}
