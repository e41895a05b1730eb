import { z } from 'zod';

const common = {
  tenantId: z.uuid().nullish(),
  action: z.string().min(3).max(100).regex(/^[a-z][a-zA-Z0-9_.:-]+$/),
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
