export type LifecycleState = 'starting' | 'ready' | 'draining' | 'stopped';

/** What /readyz reports besides the dependency checks: a draining instance must leave the load balancer. */
export class Lifecycle {
  state: LifecycleState = 'starting';

  get acceptingTraffic(): boolean {
    return this.state === 'ready';
  }
}
