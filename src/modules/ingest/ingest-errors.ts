// Refusals of the ingest path that are not about the body: they carry Retry-After where a sender
// should come back later.
import { AppError } from '../../infra/errors.ts';

export class RateLimitedError extends AppError {
  constructor(
    readonly reason: 'rate_limited' | 'quota_exceeded',
    retryAfterS: number,
    message: string,
  ) {
    super(429, reason, message, undefined, {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterS))),
    });
  }
}

export class OverloadedError extends AppError {
  constructor(
    readonly reason:
      'queue_full' | 'redis_memory' | 'not_durable' | 'redis_unavailable' | 'draining',
    retryAfterS: number,
    message: string,
  ) {
    super(
      503,
      'overloaded',
      message,
      { reason },
      { 'retry-after': String(Math.max(1, Math.ceil(retryAfterS))) },
    );
  }
}
