/**
 * What the generic admin record service may do with each resource, beyond the ability: which
 * columns are never read (secrets), which are accepted on create and edit, whether rows may be
 * deleted, and the index-backed default order of lists. The ability (who, which rows) is the
 * other half; both must allow an operation.
 */
export const ADMIN_MODELS = [
  'Tenant',
  'User',
  'Account',
  'Transaction',
  'Category',
  'Budget',
  'RecurringRule',
  'Asset',
  'Liability',
  'Loan',
  'StaffUser',
  'TenantAccessGrant',
  'AuditEvent',
  'ExportJob',
  'OutboxEvent',
  'FeatureFlag',
  'MailMessage',
] as const;
export type AdminModel = (typeof ADMIN_MODELS)[number];

export type SortDirection = 'asc' | 'desc';

export interface ModelPolicy {
  /** Columns never read for the admin (secrets): not selected, not filterable, not sortable. */
  hidden: readonly string[];
  /**
   * Columns the generic `new` accepts; `false` when rows are created only by a domain service
   * (admin/resources/writes.ts) or never from the admin (transactions, audit). Transitional: the
   * generic writer is being retired model by model (issue 10).
   */
  create: readonly string[] | false;
  /** Columns the generic `edit` may change (empty: no generic edit). */
  edit: readonly string[];
  /** Whether the generic delete and bulk delete exist. */
  delete: boolean;
  /** Default list order; an index serves it (with the tenant filter first where there is one). */
  order: ReadonlyArray<readonly [string, SortDirection]>;
  /** Columns a list may be sorted by: on large tables only indexed ones. */
  sortable: readonly string[];
  /** Reads are personal-data access: lists and show pages are audited. */
  auditReads?: boolean;
  /** Text columns matched exactly rather than by substring (identifiers; served by an index). */
  exactMatch?: readonly string[];
  /**
   * An index leads with tenantId and continues with the default order, so one tenant's page is
   * an index range scan: lists of tenant-scoped staff are then read tenant by tenant and merged.
   */
  tenantIndexed?: boolean;
}

const TENANT_OWNED_ORDER = [
  ['createdAt', 'desc'],
  ['id', 'desc'],
] as const;

export const MODEL_POLICIES: Readonly<Record<AdminModel, ModelPolicy>> = {
  Tenant: {
    hidden: [],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name', 'slug', 'status'],
  },
  User: {
    hidden: ['passwordHash'],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'email', 'name', 'status', 'lastLoginAt'],
    auditReads: true,
    tenantIndexed: true,
  },
  Account: {
    hidden: [],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name', 'type', 'currency'],
    tenantIndexed: true,
  },
  Transaction: {
    hidden: [],
    create: false, // append-only: corrections are adjustments (services.transactions)
    edit: [],
    delete: false,
    order: [
      ['occurredAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['occurredAt'],
    tenantIndexed: true,
  },
  Category: {
    hidden: [],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: [
      ['name', 'asc'],
      ['id', 'asc'],
    ],
    sortable: ['name', 'kind', 'createdAt'],
    tenantIndexed: true,
  },
  Budget: {
    hidden: [],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name', 'startsOn'],
    tenantIndexed: true,
  },
  RecurringRule: {
    hidden: [],
    create: [
      'tenantId',
      'accountId',
      'categoryId',
      'amount',
      'currency',
      'direction',
      'description',
      'frequency',
      'interval',
      'startsOn',
      'endsOn',
      'nextRunOn',
      'active',
    ],
    edit: ['description', 'amount', 'frequency', 'interval', 'endsOn', 'nextRunOn', 'active'],
    delete: true,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'nextRunOn'],
    tenantIndexed: true,
  },
  Asset: {
    hidden: [],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name', 'valuedAt'],
    tenantIndexed: true,
  },
  Liability: {
    hidden: [],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name'],
    tenantIndexed: true,
  },
  Loan: {
    hidden: [],
    create: false, // admin/resources/writes.ts: the domain service
    edit: [],
    delete: false,
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'startsOn'],
    tenantIndexed: true,
  },
  StaffUser: {
    hidden: ['passwordHash', 'totpSecret', 'totpLastStep'],
    create: false, // services.staff.create (password policy)
    edit: ['name', 'role', 'locale'], // status through disable / enable (sessions end)
    delete: false, // staff are disabled, never deleted: the audit trail points at them
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'email', 'name', 'role', 'status', 'lastLoginAt'],
  },
  TenantAccessGrant: {
    hidden: [],
    create: false, // the grant action (services.staff.grantAccess)
    edit: [], // revoked through the revoke action, never edited
    delete: false,
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'expiresAt'],
  },
  AuditEvent: {
    hidden: [],
    create: false,
    edit: [],
    delete: false,
    order: [
      ['occurredAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['occurredAt'],
    exactMatch: ['action', 'actorId', 'actorRole', 'resource', 'recordId', 'correlationId', 'chainKey', 'ip'],
  },
  ExportJob: {
    hidden: ['filePath'], // a server path: nothing for staff to read
    create: false, // the start-export action (services.exports)
    edit: [],
    delete: false,
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'status'],
    exactMatch: ['resource', 'requestedById'],
  },
  OutboxEvent: {
    hidden: [],
    create: false,
    edit: ['status', 'availableAt'], // requeue a failed event
    delete: false,
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'availableAt', 'status'],
    exactMatch: ['type'],
  },
  FeatureFlag: {
    hidden: [],
    // new / edit / delete go through services.featureFlags (key format, known tenants, window
    // order); only the bulk delete is the generic one.
    create: false,
    edit: ['description', 'owner', 'enabled', 'rolloutPercentage', 'tenantIds', 'startsAt', 'endsAt'],
    delete: true,
    order: [
      ['key', 'asc'],
      ['id', 'asc'],
    ],
    sortable: ['key', 'enabled', 'createdAt', 'updatedAt'],
  },
  MailMessage: {
    hidden: [],
    create: false,
    edit: [],
    delete: true, // clearing the development mailbox
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt'],
  },
};

export const isAdminModel = (name: string): name is AdminModel => (ADMIN_MODELS as readonly string[]).includes(name);

/** Changing these columns of a staff member ends their sessions (their session carries the role). */
export const STAFF_SESSION_FIELDS = ['role', 'email'] as const;

/** Money columns of each resource and the column holding their currency. */
export const MONEY_COLUMNS: Readonly<Partial<Record<AdminModel, { currency: string; amounts: readonly string[] }>>> = {
  Transaction: { currency: 'currency', amounts: ['amount'] },
  Budget: { currency: 'currency', amounts: ['amount'] },
  RecurringRule: { currency: 'currency', amounts: ['amount'] },
  Asset: { currency: 'currency', amounts: ['value'] },
  Liability: { currency: 'currency', amounts: ['amount'] },
  Loan: { currency: 'currency', amounts: ['principal', 'paymentAmount'] },
};
