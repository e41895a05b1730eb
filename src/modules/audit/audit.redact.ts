/** Fields never written to the audit trail in clear; their change is recorded, not their value. */
const REDACTED_FIELDS = new Set([
  'email',
  'name',
  'phone',
  'passwordHash',
  'password',
  'totpSecret',
  'tokenHash',
  'to',
  'text',
]);

export const REDACTED = '[redacted]';

function plain(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && 'toFixed' in value && typeof value.toFixed === 'function')
    return (value as { toString(): string }).toString(); // Prisma Decimal
  return value;
}

/**
 * The change between two versions of a record as `{ field: { from, to } }`, personal data
 * replaced by a marker. `before` absent means creation; `after` absent means deletion.
 */
export function diffRecords(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, { from: unknown; to: unknown }> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const diff: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of [...keys].sort()) {
    if (key === 'updatedAt') continue;
    const from = plain(before?.[key]);
    const to = plain(after?.[key]);
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    diff[key] = REDACTED_FIELDS.has(key)
      ? { from: from === null ? null : REDACTED, to: to === null ? null : REDACTED }
      : { from, to };
  }
  return diff;
}

/** Redacts personal data in a free-form details object (shallow keys at any depth). */
export function redactDetails(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDetails);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, REDACTED_FIELDS.has(k) ? REDACTED : redactDetails(plain(v))]),
    );
  }
  return plain(value);
}
