import type { PrismaClient } from '@prisma/client';
import type { AuditTrail } from '../audit/audit.service.js';

/** What most services need: the database and the audit trail. Inject only what is used. */
export interface CoreDeps {
  prisma: PrismaClient;
  audit: AuditTrail;
}
