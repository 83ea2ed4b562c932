// Saved searches (GET/POST/DELETE /v1/saved-searches). Accepts the list bare or wrapped.
import { api } from './api.ts';
import type { SavedSearch } from './types.ts';

export async function listSavedSearches(): Promise<SavedSearch[]> {
  const data = await api<unknown>('/v1/saved-searches');
  if (Array.isArray(data)) return data as SavedSearch[];
  const wrapped = data as {
    saved_searches?: SavedSearch[];
    items?: SavedSearch[];
    searches?: SavedSearch[];
  };
  return wrapped.saved_searches ?? wrapped.items ?? wrapped.searches ?? [];
}

export async function createSavedSearch(input: {
  org: string;
  name: string;
  query: string;
  from: string;
  to: string;
  apps: string[];
  visibility: 'private' | 'org';
}): Promise<SavedSearch> {
  const data = await api<unknown>('/v1/saved-searches', { method: 'POST', body: input });
  const wrapped = data as { saved_search?: SavedSearch };
  return wrapped.saved_search ?? (data as SavedSearch);
}

export async function deleteSavedSearch(id: string): Promise<void> {
  await api(`/v1/saved-searches/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
