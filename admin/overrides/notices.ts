/// <reference lib="dom" />
/**
 * Notices that survive the page change an action causes. AdminJS keeps notices in its Redux store
 * and drops them after three seconds, and a full reload (or a redirect that reloads) loses them
 * before anyone reads them. Here a notice is kept in sessionStorage, as text already translated,
 * until it is dismissed or the staff member has moved on (the second page change after it).
 */
export interface StoredNotice {
  id: string;
  text: string;
  type: 'success' | 'error' | 'info';
  /** Field details of a refused form, already in the staff member's language. */
  details?: string[];
  /** Page changes seen since the notice was raised (it is shown on the first one, dropped on the second). */
  moves: number;
}

const KEY = 'backoffice.notices';
const listeners = new Set<() => void>();

export function readNotices(): StoredNotice[] {
  try {
    return JSON.parse(window.sessionStorage.getItem(KEY) ?? '[]') as StoredNotice[];
  } catch {
    return [];
  }
}

function write(notices: StoredNotice[]): void {
  window.sessionStorage.setItem(KEY, JSON.stringify(notices.slice(-5)));
  for (const listener of listeners) listener();
}

export function subscribeNotices(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Raises a notice (shown at once, and after the page change that may follow). */
export function raiseNotice(notice: Omit<StoredNotice, 'id' | 'moves'> & { id?: string }): void {
  const id = notice.id ?? `n-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const rest = readNotices().filter((n) => n.id !== id && !(n.text === notice.text && n.type === notice.type));
  write([...rest, { ...notice, id, moves: 0 }]);
}

export function dismissNotice(id: string): void {
  write(readNotices().filter((n) => n.id !== id));
}

/** Counts a page change: notices raised before the previous change are dropped. */
export function notePageChange(): void {
  const notices = readNotices();
  if (!notices.length) return;
  write(notices.map((n) => ({ ...n, moves: n.moves + 1 })).filter((n) => n.moves <= 1));
}

interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: Array<{ field: string; message: string }> };
}

/** The server's error (the one error shape), if `err` is an API call's failure. */
export function apiError(err: unknown): ApiErrorBody['error'] | undefined {
  const data = (err as { response?: { data?: unknown } } | null)?.response?.data as ApiErrorBody | undefined;
  return data && typeof data === 'object' && data.error && typeof data.error.message === 'string' ? data.error : undefined;
}
