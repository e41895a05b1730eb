import { z } from 'zod';

/** The admin list filters an export accepts (each resource accepts the subset its list has). */
export const ExportFilters = z
  .object({
    tenantId: z.uuid().optional(),
    /** Inclusive lower bound on the resource's date (occurredAt for transactions and audit events, createdAt otherwise). */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Exclusive upper bound on the same date. */
    to: z.iso.datetime({ offset: true }).optional(),
    accountId: z.uuid().optional(),
    categoryId: z.uuid().optional(),
    direction: z.enum(['CREDIT', 'DEBIT']).optional(),
    kind: z.enum(['REGULAR', 'ADJUSTMENT']).optional(),
    status: z.enum(['ACTIVE', 'SUSPENDED', 'CLOSED', 'LOCKED', 'DISABLED']).optional(),
    actorType: z.enum(['STAFF', 'USER', 'SYSTEM']).optional(),
    actorId: z.string().trim().min(1).max(200).optional(),
    action: z.string().trim().min(1).max(100).optional(),
    outcome: z.enum(['SUCCESS', 'DENIED', 'FAILURE']).optional(),
    /** Audit trail: 'false' leaves page views out (actions ending in .list or .show), as the admin's trail does. */
    includeReads: z.enum(['true', 'false']).optional(),
  })
  .strict();
export type ExportFilters = z.infer<typeof ExportFilters>;

export const ExportResourceName = z.enum([
  'TenantBundle',
  'Tenant',
  'User',
  'Account',
  'Category',
  'Transaction',
  'Budget',
  'RecurringRule',
  'Asset',
  'Liability',
  'Loan',
  'AuditEvent',
]);

export const ExportFormatName = z.preprocess(
  (v) => (typeof v === 'string' ? v.toUpperCase() : v),
  z.enum(['JSON', 'CSV', 'NDJSON', 'BUNDLE']),
);

/** What a staff member (or the CLI) asks for when starting an export. */
export const StartExportInput = z.object({
  tenantId: z.uuid().optional(),
  resource: ExportResourceName,
  format: ExportFormatName,
  filters: ExportFilters.default({}),
  reason: z.string().trim().min(3).max(2000),
});
export type StartExportInput = z.input<typeof StartExportInput>;
export type ParsedStartExportInput = z.output<typeof StartExportInput>;

export const ExportId = z.uuid();
