// Fixed-window login counters in Redis, per account and per client IP, shared by every instance.
// An account counter stops password guessing against one user from many IPs; the IP counter stops
// one client spraying many accounts.
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
  const windowMs = config.auth.loginRateWindowMs;
  const accountKey = (email: string) => `${config.redisKeyPrefix}:login:account:${email}`;
  const ipKey = (ip: string) => `${config.redisKeyPrefix}:login:ip:${ip}`;

  return {
    /** Counts this attempt; throws 429 once either counter is over its limit. */
    async hit(email: string, ip: string): Promise<void> {
      const result = await redis
        .multi()
        .incr(accountKey(email))
        .pexpire(accountKey(email), windowMs, 'NX')
        .pttl(accountKey(email))
        .incr(ipKey(ip))
        .pexpire(ipKey(ip), windowMs, 'NX')
        .pttl(ipKey(ip))
        .exec();
      const value = (i: number) => Number(result?.[i]?.[1] ?? 0);
      const overAccount = value(0) > config.auth.loginMaxAttemptsPerAccount;
      const overIp = value(3) > config.auth.loginMaxAttemptsPerIp;
      if (overAccount || overIp) {
        const ttlMs = Math.max(overAccount ? value(2) : 0, overIp ? value(5) : 0, 1000);
        throw new TooManyAttemptsError(Math.ceil(ttlMs / 1000));
      }
    },
    /** A successful login clears the account's counter, not the IP's. */
    async succeeded(email: string): Promise<void> {
      await redis.del(accountKey(email));
    },
  };
}
