// Live in-app notifications: whichever instance stores a notification PUBLISHes it on one Redis
// channel, and every API instance forwards it to the event streams its users have open. One
// subscription per process, whatever the number of users.
import type { Redis } from 'ioredis';
import type { NotificationRow } from './notifications.repository.ts';
import { toJson, type NotificationJson } from './notifications.json.ts';

type Listener = (notification: NotificationJson) => void;

export function notifyChannel(prefix: string): string {
  return `${prefix}:notifications`;
}

export class NotificationHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async publish(rows: readonly NotificationRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.redis.publish(notifyChannel(this.prefix), JSON.stringify(rows.map(toJson)));
  }

  async start(): Promise<void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => undefined);
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, text: string) => {
      let items: NotificationJson[];
      try {
        items = JSON.parse(text) as NotificationJson[];
      } catch {
        return;
      }
      for (const item of items) {
        for (const listener of this.listeners.get(item.user_id) ?? []) listener(item);
      }
    });
    await subscriber.subscribe(notifyChannel(this.prefix));
  }

  listen(userId: string, listener: Listener): () => void {
    let set = this.listeners.get(userId);
    if (!set) this.listeners.set(userId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(userId);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
