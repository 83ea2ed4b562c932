// Where Redis is: a plain `redis://` / `rediss://` URL, or a Sentinel deployment written as
// `redis-sentinel://host:port,host:port/<master name>` (the form Lettuce and others use), so that
// one string travels through config, services, the CLI and tests whichever way Redis is run.

export interface HostPort {
  host: string;
  port: number;
}

export interface SentinelTarget {
  sentinels: HostPort[];
  name: string;
}

const SENTINEL_SCHEME = 'redis-sentinel://';

export function parseHostPort(value: string): HostPort | undefined {
  const match = /^(\[[^\]]+\]|[^:,/\s]+):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port };
}

export function sentinelUrl(sentinels: readonly HostPort[], name: string): string {
  const hosts = sentinels.map((s) => (s.host.includes(':') ? `[${s.host}]` : s.host));
  return `${SENTINEL_SCHEME}${sentinels.map((s, i) => `${hosts[i]}:${s.port}`).join(',')}/${name}`;
}

/** The Sentinel deployment a `redis-sentinel://` URL names, or undefined for any other URL. */
export function parseSentinelUrl(url: string): SentinelTarget | undefined {
  if (!url.startsWith(SENTINEL_SCHEME)) return undefined;
  const rest = url.slice(SENTINEL_SCHEME.length);
  const slash = rest.indexOf('/');
  const list = slash === -1 ? rest : rest.slice(0, slash);
  const name = (slash === -1 ? '' : rest.slice(slash + 1)) || 'mymaster';
  const sentinels = list.split(',').map(parseHostPort);
  if (sentinels.length === 0 || sentinels.some((s) => s === undefined)) {
    throw new Error(`not a valid Sentinel URL: ${url}`);
  }
  return { sentinels: sentinels as HostPort[], name };
}
