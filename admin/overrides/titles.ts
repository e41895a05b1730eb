/// <reference lib="dom" />
import { ApiClient } from 'adminjs';

const api = new ApiClient();
const cache = new Map<string, Promise<string | null>>();

/**
 * The title of a record (its name, email, description...), read through the admin's own scoped
 * `show` action, so a staff member only ever sees titles of records they may open. null when the
 * record is not visible to them. Cached for the page's life.
 */
export function recordTitle(resourceId: string, recordId: string): Promise<string | null> {
  const key = `${resourceId}:${recordId}`;
  let found = cache.get(key);
  if (!found) {
    found = api
      .recordAction({ resourceId, recordId, actionName: 'show' })
      .then((r) => ((r.data as { record?: { title?: string } }).record?.title ?? null) || null)
      .catch(() => null);
    cache.set(key, found);
  }
  return found;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
