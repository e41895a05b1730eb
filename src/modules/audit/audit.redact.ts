import { storableText } from './audit.hash.js';

/**
 * Field names whose values are never written to the audit trail in clear; the change is recorded,
 * not the value. Matched case-insensitively, ignoring `_`/`-` (so `phone_number` = `phoneNumber`).
 * `to`/`text`/`subject`/`html` are MailMessage fields (recipient address, body).
 */
const REDACTED_FIELDS = new Set(
  [
    'email',
    'emailAddress',
    'pendingEmail',
    'newEmail',
    'oldEmail',
    'name',
    'firstName',
    'lastName',
    'fullName',
    'displayName',
    'phone',
    'phoneNumber',
    'mobile',
    'address',
    'street',
    'postcode',
    'postalCode',
    'zip',
    'dateOfBirth',
    'birthDate',
    'dob',
    'iban',
    'accountNumber',
    'cardNumber',
    'pan',
    'ssn',
    'taxId',
    'nationalId',
    'passport',
    'password',
    'newPassword',
    'currentPassword',
    'passwordHash',
    'totpSecret',
    'secret',
    'token',
    'tokenHash',
    'accessToken',
    'refreshToken',
    'apiKey',
    'authorization',
    'cookie',
    'to',
    'text',
    'html',
    'subject',
  ].map((f) => f.toLowerCase()),
);

export const REDACTED = '[redacted]';

const normaliseKey = (key: string) => key.toLowerCase().replace(/[_-]/g, '');

/** True when a field of this name holds personal data or a secret. */
export const isRedactedField = (key: string): boolean => REDACTED_FIELDS.has(normaliseKey(key));

// Free text (reasons, descriptions) may quote an email address; it is masked wherever it appears.
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/** Free text with email addresses masked and unstorable characters replaced. */
export function redactText(value: string): string {
  return storableText(value).replace(EMAIL_IN_TEXT, REDACTED);
}

function plain(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
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
    diff[key] = isRedactedField(key)
      ? { from: from === null ? null : REDACTED, to: to === null ? null : REDACTED }
      : { from: redactDetails(from), to: redactDetails(to) };
  }
  return diff;
}

/** A `{from, to}` pair as diffRecords produces it. */
const isChangePair = (v: unknown): v is { from: unknown; to: unknown } =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 2 && 'from' in v && 'to' in v;

/** A redacted field keeps whether it was empty and, for a change pair, its shape. */
function redactValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (isChangePair(value)) return { from: redactValue(value.from), to: redactValue(value.to) };
  return REDACTED;
}

/**
 * Redacts personal data in a details object (diffs included): values of personal-data fields at
 * any depth are replaced by a marker, email addresses inside any text are masked, and text is made
 * storable. The `from`/`to` keys of a change pair are structure, not field names.
 */
export function redactDetails(value: unknown): unknown {
  const v = plain(value);
  if (typeof v === 'string') return redactText(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map(redactDetails);
  if (v && typeof v === 'object') {
    if (isChangePair(v)) return { from: redactDetails(v.from), to: redactDetails(v.to) };
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, inner]) => inner !== undefined)
        .map(([k, inner]) => [storableText(k), isRedactedField(k) ? redactValue(inner) : redactDetails(inner)]),
    );
  }
  return v;
}
