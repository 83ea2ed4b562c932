// The tenant scope every search query carries: the orgs and apps the caller may read, resolved by
// authorize.ts. The repository turns it into the first condition of every WHERE, so no query text,
// cursor or id can reach another tenant's rows.
export interface SearchScope {
  orgIds: readonly string[];
  appIds: readonly string[];
}

export const SCOPE_SQL =
  'org_id IN {scope_orgs:Array(UUID)} AND app_id IN {scope_apps:Array(UUID)}';

export function scopeParams(scope: SearchScope): Record<string, string[]> {
  return { scope_orgs: [...scope.orgIds], scope_apps: [...scope.appIds] };
}

export function isEmptyScope(scope: SearchScope): boolean {
  return scope.appIds.length === 0 || scope.orgIds.length === 0;
}
