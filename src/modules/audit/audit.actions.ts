/**
 * The catalogue of audit actions: every `action` code the application writes, in one list.
 * `record()` refuses a code that is not here (AuditEventInput), so the trail never holds a code
 * the compliance console cannot name, and the console's action filter offers exactly these
 * (labelled in locales/<lng>/admin.json, `components.AuditAction`). Adding an audited operation
 * means adding its code here and its label in every language (tests/unit/audit-actions.test.ts).
 */

/** The tenant records served by the generic tenant-record service (`<resource>.<verb>`). */
const TENANT_RECORD_RESOURCES = ['account', 'category', 'budget', 'recurring_rule', 'asset', 'liability', 'loan'] as const;
const TENANT_RECORD_VERBS = ['read', 'create', 'update', 'delete', 'bulk_delete'] as const;

/** Steps of a four-eyes approval request (`approval.<step>`). */
const APPROVAL_STEPS = ['request', 'approve', 'reject', 'withdraw', 'expire', 'remind', 'execute', 'fail'] as const;

/** The codes written by name (everything but the admin's generic page events). */
export const AUDIT_ACTIONS = [
  'access.grant',
  'access.revoke',
  ...TENANT_RECORD_RESOURCES.flatMap((r) => TENANT_RECORD_VERBS.map((v) => `${r}.${v}` as const)),
  'api.auth.email_verify',
  'api.auth.login',
  'api.auth.logout',
  'api.auth.password_reset',
  'api.auth.password_reset_request',
  'api.auth.refresh',
  'api.auth.refresh_reuse',
  ...APPROVAL_STEPS.map((s) => `approval.${s}` as const),
  'approval_policy.update',
  'audit.archive',
  'audit.export',
  'audit.prove',
  'audit.search',
  'audit.verify',
  'export.complete',
  'export.download',
  'export.expire',
  'export.fail',
  'export.start',
  'export.tenant',
  'feature_flag.create',
  'feature_flag.delete',
  'feature_flag.kill_switch',
  'feature_flag.update',
  'mail_message.delete',
  'marketing.queue',
  'outbox_event.requeue',
  'partition.create',
  'personal_data.reveal',
  'recurring.materialise',
  'staff.create',
  'staff.disable',
  'staff.enable',
  'staff.locale.update',
  'staff.login',
  'staff.login.password',
  'staff.logout',
  'staff.role_change',
  'staff.session.end',
  'staff.sessions.end',
  'staff.totp.disable',
  'staff.totp.enable',
  'staff.totp.recovery_codes',
  'staff.update',
  'system.seed',
  'tenant.create',
  'tenant.reactivate',
  'tenant.suspend',
  'tenant.update',
  'transaction.adjust',
  'transaction.create',
  'transaction.read',
  'user.consent_update',
  'user.create',
  'user.disable',
  'user.email_change',
  'user.email_verification_request',
  'user.enable',
  'user.erase',
  'user.erasure_cancel',
  'user.erasure_request',
  'user.password_reset',
  'user.rectify',
  'user.register',
  'user.unlock',
  'user.update',
] as const;

export type NamedAuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The admin's generic events of a resource: page views (`list`, `show`: read events) and refused
 * operations (`new`, `edit`, `delete`, `bulkDelete`, or a custom action's name), written as
 * `admin.<Model>.<operation>` by src/modules/admin-records. The model names are the admin's.
 */
export const ADMIN_EVENT_OPERATIONS = ['list', 'show', 'new', 'edit', 'delete', 'bulkDelete'] as const;
const ADMIN_EVENT = /^admin\.[A-Z][A-Za-z]{1,40}\.[a-z][A-Za-z]{1,40}$/;

const NAMED: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** Whether `code` is in the catalogue: a named code, or an admin page event of a model. */
export const isAuditAction = (code: string): boolean => NAMED.has(code) || ADMIN_EVENT.test(code);

/**
 * The choices of the compliance console's action filter: the named codes and, for each of the
 * admin's models, its page events, sorted.
 */
export function auditActionChoices(adminModels: readonly string[]): string[] {
  const admin = adminModels.flatMap((m) => ADMIN_EVENT_OPERATIONS.map((op) => `admin.${m}.${op}`));
  return [...AUDIT_ACTIONS, ...admin].sort();
}

/** The key of a named code's label (`components.AuditAction.<key>`): dots are key separators in i18next. */
export const auditActionLabelKey = (code: string): string => code.replace(/\./g, '_');
