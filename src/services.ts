import type { PrismaClient } from '@prisma/client';
import { createAuditTrail, type AuditTrail } from './modules/audit/audit.service.js';
import { createStaffService } from './modules/staff/staff.service.js';
import { createTenantService } from './modules/tenants/tenant.service.js';
import { createUserService } from './modules/users/user.service.js';
import type { Runtime } from './runtime.js';

/** The domain services, built once per process over its runtime. Adapters receive this. */
export function createServices(runtime: Pick<Runtime, 'prisma' | 'config' | 'secrets'>, audit?: AuditTrail) {
  const prisma: PrismaClient = runtime.prisma;
  const trail =
    audit ??
    createAuditTrail({
      checkpointKey: runtime.secrets.auditCheckpointKey,
      checkpointEvery: runtime.config.AUDIT_CHECKPOINT_EVERY,
    });
  const core = { prisma, audit: trail };
  return {
    audit: trail,
    tenants: createTenantService(core),
    staff: createStaffService(core),
    users: createUserService(core),
  };
}

export type Services = ReturnType<typeof createServices>;
