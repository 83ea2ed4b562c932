// Fixed-window login counters in Redis, shared by every instance. What each one stops:
//  - per client IP: one client spraying many accounts;
//  - per (account, IP): one client guessing one account's password;
//  - per account, all IPs: a botnet guessing one account. Over this one only IPs the account has
//    signed in from before (within LOGIN_KNOWN_IP_TTL_MS) may still try, so strangers can make
//    their own attempts fail but can never lock the owner out (a per-account lock for every IP
//    once let 10 wrong passwords shut the owner out for 15 minutes).
import type { Redis } from 'ioredis';
import type { Config } from '../../config.ts';
import { AppError } from '../../infra/errors.ts';

export class TooManyAttemptsError extends AppError {
  constructor(retryAfterS: number) {
    super(429, 'too_many_attempts', 'too many login attempts; try again later', undefined, {
      'retry-after': String(retryAfterS),
    });
  }
}

export function createLoginRateLimiter(config: Config, redis: Redis) {
  const { auth } = config;
  const windowMs = auth.loginRateWindowMs;
  const prefix = `${config.redisKeyPrefix}:login`;
  const accountKey = (email: string) => `${prefix}:account:${email}`;
  const pairKey = (email: string, ip: string) => `${prefix}:pair:${email}:${ip}`;
  const ipKey = (ip: string) => `${prefix}:ip:${ip}`;
  const knownKey = (email: string, ip: string) => `${prefix}:known:${email}:${ip}`;

  return {
    /** Counts this attempt; throws 429 once a counter that applies to it is over its limit. */
    async hit(email: string, ip: string): Promise<void> {
      const multi = redis.multi();
      for (const key of [ipKey(ip), pairKey(email, ip), accountKey(email)]) {
        multi.incr(key).pexpire(key, windowMs, 'NX').pttl(key);
      }
      const result = await multi.exists(knownKey(email, ip)).exec();
      const value = (i: number) => Number(result?.[i]?.[1] ?? 0);
      const known = value(9) === 1;
      const over = [
        value(0) > auth.loginMaxAttemptsPerIp ? value(2) : -1,
        value(3) > auth.loginMaxAttemptsPerAccount ? value(5) : -1,
        value(6) > auth.loginMaxAttemptsPerAccountAllIps && !known ? value(8) : -1,
      ].filter((ttl) => ttl >= 0);
      if (over.length > 0)
        throw new TooManyAttemptsError(Math.ceil(Math.max(...over, 1000) / 1000));
    },
    /**
     * A successful login clears its (account, IP) counter and marks the IP known. The account-wide
     * counter stays: the owner signing in must not reopen the account to a botnet.
     */
    async succeeded(email: string, ip: string): Promise<void> {
      await redis
        .multi()
        .del(pairKey(email, ip))
        .set(knownKey(email, ip), '1', 'PX', auth.loginKnownIpTtlMs)
        .exec();
    },
  };
}
