// Org roles form a ladder: each role can do everything the roles below it can.
import type { MembershipRole } from '../../infra/database.ts';

export type { MembershipRole };

export const MEMBERSHIP_ROLES = ['viewer', 'member', 'admin', 'owner'] as const;

const RANK: Record<MembershipRole, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: MembershipRole, minimum: MembershipRole): boolean {
  return RANK[role] >= RANK[minimum];
}

export function isMembershipRole(value: string): value is MembershipRole {
  return (MEMBERSHIP_ROLES as readonly string[]).includes(value);
}

export const API_TOKEN_SCOPES = ['read', 'admin'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
