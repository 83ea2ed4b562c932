// The admin API as one route plugin for the user context.
import type { FastifyInstance } from 'fastify';
import { appsRoutes } from './apps.routes.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import { keysRoutes } from './keys.routes.ts';
import { membersRoutes } from './members.routes.ts';
import { orgsRoutes } from './orgs.routes.ts';

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  await app.register(orgsRoutes);
  await app.register(appsRoutes);
  await app.register(keysRoutes);
  await app.register(membersRoutes);
  await app.register(auditRoutes);
}
