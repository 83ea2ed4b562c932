// The scope of one request: who is calling, through what, and what they may touch. Resolved once
// per request by the user context (session cookie or API token) and passed to every service and
// repository call that touches tenant data.
import type { ApiTokenScope, MembershipRole } from './roles.ts';

export interface AuthUser {
  id: string;
  email: string;
  name: string | null;
  platformAdmin: boolean;
}

export interface OrgMembership {
  orgId: string;
  orgSlug: string;
  orgName: string;
  role: MembershipRole;
}

export interface AuthContext {
  user: AuthUser;
  via: 'session' | 'token';
  /** Session row id (not the cookie value) when authenticated by cookie. */
  sessionId: string | null;
  /** API token id and scope when authenticated by bearer token; `read` tokens never mutate. */
  tokenId: string | null;
  tokenScope: ApiTokenScope | null;
  /** Memberships in orgs that are not disabled. */
  memberships: readonly OrgMembership[];
}

/** Who an audit entry names, taken from the request that made the change. */
export interface AuditActor {
  userId: string | null;
  tokenId: string | null;
  /** Readable without joins, and still meaningful after the user is gone. */
  label: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

type RequestLike = { ip: string; headers: Record<string, unknown>; id: string };

/** Where a request came from, as audit entries and sessions record it. */
export function requestMeta(request: RequestLike) {
  const ua = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null,
    requestId: request.id,
  };
}

export function actorOf(auth: AuthContext, request: RequestLike): AuditActor {
  return {
    userId: auth.user.id,
    tokenId: auth.tokenId,
    label: auth.tokenId ? `${auth.user.email} (token)` : auth.user.email,
    ...requestMeta(request),
  };
}

/** For changes made from the `mylog` CLI, which runs with database access and no user. */
export function cliActor(command: string): AuditActor {
  return {
    userId: null,
    tokenId: null,
    label: `cli:${command}`,
    ip: null,
    userAgent: null,
    requestId: null,
  };
}
