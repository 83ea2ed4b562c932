// The development IdP's accounts. Fixed and public on purpose: this IdP only ever runs locally.
export const DEMO_ORG_SLUG = 'demo';
export const DEMO_PASSWORD = 'demo';

export interface DemoUser {
  sub: string;
  email: string;
  name: string;
  role: 'admin' | 'viewer';
}

export const DEMO_USERS: readonly DemoUser[] = [
  { sub: 'demo-admin', email: 'admin@demo.local', name: 'Demo Admin', role: 'admin' },
  { sub: 'demo-viewer', email: 'viewer@demo.local', name: 'Demo Viewer', role: 'viewer' },
];

export function findDemoUser(by: { sub?: string; email?: string }): DemoUser | undefined {
  return DEMO_USERS.find(
    (u) =>
      u.sub === by.sub || (by.email !== undefined && u.email === by.email.trim().toLowerCase()),
  );
}
