import type { ServiceContext } from '../../lib/context.js';
import { PERSONAL_FIELDS, type Subject } from '../access/ability.js';

/** How long a reveal lasts. */
export const REVEAL_MINUTES = 15;

const DOT = '\u2022\u2022\u2022';

/**
 * Whether the actor sees a resource's personal data masked unless revealed (SPEC §3: compliance
 * and engineers): decided by the ability (`readUnmasked`), never by role names here.
 */
export function isMaskedFor(ctx: ServiceContext, resource: string): boolean {
  return !ctx.ability.can('readUnmasked', resource as Exclude<Subject, 'all'>);
}

/** The personal fields of a resource (empty when it has none). */
export const personalFieldsOf = (resource: string): readonly string[] => PERSONAL_FIELDS[resource] ?? [];

/** "jane.doe@example.com" → "j•••@•••.com": enough to tell two addresses apart, not to read one. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return DOT;
  const tld = email.slice(email.lastIndexOf('.') + 1);
  return `${email[0]}${DOT}@${DOT}${tld && email.lastIndexOf('.') > at ? `.${tld}` : ''}`;
}

/** "Jane Doe" → "J••• D•••". */
export const maskName = (name: string): string =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${[...part][0] ?? ''}${DOT}`)
    .join(' ');

/** "+34 612 345 678" → "•••78": the last two digits only. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `${DOT}${digits.slice(-2)}`;
}

/** The masked form of one personal value. */
export function maskValue(field: string, value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (field === 'email' || field === 'to') return maskEmail(text);
  if (field === 'name') return maskName(text);
  if (field === 'phone') return maskPhone(text);
  return '[masked]';
}

/**
 * Masks the personal fields of rows unless their id is in `revealed`. Rows whose data is masked
 * carry `personalDataMasked: true`, so an adapter can offer the reveal action.
 */
export function maskRows<T extends { id: unknown }>(
  resource: string,
  rows: T[],
  revealed: ReadonlySet<string>,
): Array<T & { personalDataMasked?: boolean }> {
  const fields = personalFieldsOf(resource);
  if (!fields.length) return rows;
  return rows.map((row) => {
    if (revealed.has(String(row.id))) return row;
    const copy: Record<string, unknown> = { ...row, personalDataMasked: true };
    for (const field of fields) if (field in copy) copy[field] = maskValue(field, copy[field]);
    return copy as T & { personalDataMasked: boolean };
  });
}
