// What a notification says, once, whatever carries it: webhook JSON, Slack text, email, in-app.
// The message is stored with its delivery row, so every retry sends the same bytes.

export type NotificationState =
  'firing' | 'resolved' | 'no_data' | 'flapping' | 'test' | 'report' | 'quota_warning';

export interface NotificationMessage {
  /** Stable per event and the same on every attempt: receivers de-duplicate on it. */
  event_id: string;
  state: NotificationState;
  /** Null for platform alerts and channel tests. */
  org_id: string | null;
  rule: { id: string; name: string };
  /** The instance's group-by values ({} for an ungrouped rule). */
  group: Record<string, string>;
  value: number | null;
  threshold: number | null;
  /** Where a person looks next (the rule's page in the web app). */
  link: string;
  /** When the state changed (RFC 3339). */
  at: string;
  /** One line for people: subject, Slack text, bell title. */
  title: string;
  /** A few more lines for people. */
  text: string;
}

function groupText(group: Record<string, string>): string {
  const entries = Object.entries(group);
  return entries.length === 0 ? '' : ` (${entries.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

/** The human title of a rule state change, e.g. "[FIRING] checkout errors (host=web-1)". */
export function titleOf(
  state: NotificationState,
  ruleName: string,
  group: Record<string, string>,
): string {
  const label = state === 'no_data' ? 'NO DATA' : state.toUpperCase();
  return `[${label}] ${ruleName}${groupText(group)}`;
}

/** The webhook's JSON body: the message without the human-only fields' duplication. */
export function webhookBody(message: NotificationMessage): string {
  return JSON.stringify({
    event_id: message.event_id,
    state: message.state,
    rule: message.rule,
    group: message.group,
    value: message.value,
    threshold: message.threshold,
    link: message.link,
    at: message.at,
    title: message.title,
    text: message.text,
  });
}

/** Slack (and Mattermost, Rocket.Chat…) incoming-webhook payload. */
export function slackBody(message: NotificationMessage): string {
  const emoji =
    message.state === 'firing'
      ? ':red_circle:'
      : message.state === 'resolved'
        ? ':large_green_circle:'
        : ':warning:';
  return JSON.stringify({
    text: `${emoji} *${message.title}*\n${message.text}\n<${message.link}|Open in MyLog>`,
  });
}

export function emailContent(message: NotificationMessage): { subject: string; text: string } {
  return {
    subject: message.title,
    text: `${message.text}\n\nOpen in MyLog: ${message.link}\n\nEvent id: ${message.event_id}\n`,
  };
}
