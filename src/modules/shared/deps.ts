import type { Database } from '../../db/session.js';
import type { AuditTrail } from '../audit/audit.service.js';

/** What most services need: the database port and the audit trail. Inject only what is used. */
export interface CoreDeps {
  db: Database;
  audit: AuditTrail;
}
