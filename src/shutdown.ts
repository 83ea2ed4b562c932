import type { FastifyInstance } from 'fastify';
import type { Resources } from './infra/resources.ts';
import type { Services } from './infra/services.ts';

export interface ShutdownDeps {
  app: FastifyInstance;
  resources: Pick<Resources, 'close'>;
  services: Pick<Services, 'stop'>;
  deadlineMs: number;
  /** Time to keep answering while /readyz says 503, so a load balancer stops sending first. */
  drainDelayMs?: number;
  log: (message: string) => void;
}

export type ShutdownOutcome = 'clean' | 'deadline_exceeded';

/**
 * The ordered shutdown: stop readiness → stop accepting (and finish in-flight requests) → the
 * features' own close hooks (flush the group-commit buffer, close workers) → close connections →
 * stop embedded services. The whole sequence runs under a hard deadline.
 */
export function createShutdown(deps: ShutdownDeps): (reason: string) => Promise<ShutdownOutcome> {
  let running: Promise<ShutdownOutcome> | undefined;
  return (reason) => {
    running ??= run(deps, reason);
    return running;
  };
}

async function run(deps: ShutdownDeps, reason: string): Promise<ShutdownOutcome> {
  const { app, log } = deps;
  log(`shutting down (${reason})`);
  app.lifecycle.state = 'draining';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ShutdownOutcome>((resolve) => {
    timer = setTimeout(() => resolve('deadline_exceeded'), deps.deadlineMs);
    timer.unref();
  });
  const steps = (async (): Promise<ShutdownOutcome> => {
    if (deps.drainDelayMs) await new Promise((r) => setTimeout(r, deps.drainDelayMs));
    await app.close();
    await deps.resources.close();
    await deps.services.stop();
    app.lifecycle.state = 'stopped';
    return 'clean';
  })();
  const outcome = await Promise.race([steps, deadline]);
  clearTimeout(timer);
  if (outcome === 'deadline_exceeded') {
    log(
      `shutdown did not finish within ${deps.deadlineMs} ms; stopping owned services and exiting anyway`,
    );
    await Promise.race([
      deps.services.stop().catch(() => undefined),
      new Promise((r) => setTimeout(r, 5_000)),
    ]);
  }
  return outcome;
}
