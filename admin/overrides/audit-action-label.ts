/**
 * The label of an audit action code in the staff member's language (the catalogue is
 * src/modules/audit/audit.actions.ts; labels are `components.AuditAction` in locales/<lng>/admin.json).
 * A named code's key has its dots as underscores (dots separate i18next keys); the admin's page
 * events (`admin.<Model>.<operation>`) read "<resource name>: <operation>".
 */
type Translate = (key: string, options: Record<string, unknown>) => string;

const ADMIN_EVENT = /^admin\.([A-Z][A-Za-z]+)\.([a-z][A-Za-z]+)$/;
const ADMIN_OPERATIONS = new Set(['list', 'show', 'new', 'edit', 'delete', 'bulkDelete']);

export function auditActionLabel(
  code: string,
  t: { translateComponent: Translate; translateLabel: (label: string, options: Record<string, unknown>) => string },
): string {
  const admin = ADMIN_EVENT.exec(code);
  if (admin) {
    const [, model, operation] = admin as unknown as [string, string, string];
    const resource = t.translateLabel(model, { defaultValue: model });
    const key = ADMIN_OPERATIONS.has(operation) ? operation : 'other';
    return t.translateComponent(`AuditAction.admin.${key}`, { resource, operation, defaultValue: code });
  }
  return t.translateComponent(`AuditAction.${code.replace(/\./g, '_')}`, { defaultValue: code });
}

/** Whether a property's values are audit action codes (set by the AuditEvent resource definition). */
export const isAuditActionProperty = (property: { custom?: Record<string, unknown> }) =>
  property.custom?.values === 'auditAction';
