import { z } from 'zod';

const common = {
  tenantId: z.uuid().nullish(),
  action: z
    .string()
    .min(3)
    .max(100)
    .regex(/^[a-z][a-zA-Z0-9_.:-]+$/),
  resource: z.string().max(60).nullish(),
  recordId: z.string().max(200).nullish(),
  outcome: z.enum(['SUCCESS', 'DENIED', 'FAILURE']).default('SUCCESS'),
  reason: z.string().max(2000).nullish(),
  diff: z.record(z.string(), z.unknown()).nullish(),
  ip: z.string().max(100).nullish(),
  userAgent: z.string().max(500).nullish(),
  correlationId: z.string().max(200).nullish(),
};

/** An audit event as written by callers: a discriminated union on the kind of actor. */
export const AuditEventInput = z.discriminatedUnion('actorType', [
  z.object({
    actorType: z.literal('STAFF'),
    actorId: z.string().min(1).nullable(),
    actorRole: z.enum(['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER']).nullable(),
    ...common,
  }),
  z.object({
    actorType: z.literal('USER'),
    actorId: z.string().min(1).nullable(),
    actorRole: z.enum(['OWNER', 'MEMBER']).nullable(),
    ...common,
  }),
  z.object({ actorType: z.literal('SYSTEM'), actorId: z.string().min(1), actorRole: z.literal('SYSTEM'), ...common }),
]);

export type AuditEventInput = z.input<typeof AuditEventInput>;
export type ParsedAuditEvent = z.output<typeof AuditEventInput>;

/** Filters of the compliance console's search and export (all optional, combined with AND). */
/** Audit actions that only record a page view (a list or a show page): read events. */
export const READ_EVENT_SUFFIXES = ['.list', '.show'] as const;

export const AuditSearchFilters = z
  .object({
    tenantId: z.uuid().optional(),
    actorId: z.string().trim().min(1).max(200).optional(),
    action: z.string().trim().min(1).max(100).optional(),
    outcome: z.enum(['SUCCESS', 'DENIED', 'FAILURE']).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    /** false: leave out page views (admin.X.list/show), as the admin's trail does by default; unset: all events. */
    includeReads: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'from must not be after to', path: ['from'] });
export type AuditSearchFilters = z.input<typeof AuditSearchFilters>;

/** Keyset page of the console list (newest first); no COUNT, no OFFSET. */
export const AuditPage = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type AuditPage = z.input<typeof AuditPage>;

export const VerifyAuditInput = z.object({ tenantId: z.uuid().optional() });
export type VerifyAuditInput = z.input<typeof VerifyAuditInput>;

/** csv, ndjson (the rows), or bundle (whole chains, signed heads and public keys: verifiable offline). */
export const AuditExportFormat = z.enum(['csv', 'ndjson', 'bundle']);
export type AuditExportFormat = z.infer<typeof AuditExportFormat>;
