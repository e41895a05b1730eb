import { READ_EVENT_SUFFIXES } from '../audit/audit.schemas.js';

/**
 * How the admin lists each resource, beyond the ability: which columns are never read (secrets),
 * the index-backed default order, what may be sorted and filtered, and whether reads are audited.
 * The ability (who, which rows) is the other half. Writes are not here: each has its domain
 * service (admin/resources/writes.ts).
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
  'ApprovalRequest',
  'ApprovalPolicy',
] as const;
export type AdminModel = (typeof ADMIN_MODELS)[number];

export type SortDirection = 'asc' | 'desc';

export interface ModelPolicy {
  /** Columns never read for the admin (secrets): not selected, not filterable, not sortable. */
  hidden: readonly string[];
  /** Default list order; an index serves it (with the tenant filter first where there is one). */
  order: ReadonlyArray<readonly [string, SortDirection]>;
  /**
   * Columns a list may be sorted by. Each is served by an index in the list's order (column
   * first) and, on tenant-indexed models, by one leading with (tenantId, column) — unless the
   * model has `fewRows` (tests/admin/list-indexes.test.ts checks the catalog). A column no index
   * serves is not offered (the admin shows no sort link for it).
   */
  sortable: readonly string[];
  /**
   * A table of thousands of rows, not millions (staff, grants, flags, jobs; per tenant a handful
   * of budgets or categories): sorting its matches in memory costs less than one more index to
   * maintain on every write.
   */
  fewRows?: boolean;
  /** Reads are personal-data access: lists and show pages are audited. */
  auditReads?: boolean;
  /**
   * Text columns whose substring filter is answered from a trigram index within the tenant set
   * (backoffice_text_matches, migration 105, which accepts exactly these) when row-level security
   * would keep the index from serving the query's own ILIKE: for all-tenants staff.
   */
  textSearch?: readonly string[];
  /** Text columns matched exactly rather than by substring (identifiers; served by an index). */
  exactMatch?: readonly string[];
  /**
   * An index leads with tenantId and continues with the default order, so one tenant's page is
   * an index range scan: lists of tenant-scoped staff are then read tenant by tenant and merged.
   */
  tenantIndexed?: boolean;
  /**
   * Rows a list leaves out unless its `toggle` filter is true (the audit trail's page views):
   * `where` is what a shown row must match; the toggle is no column.
   */
  hiddenByDefault?: { toggle: string; where: Record<string, unknown> };
}

const TENANT_OWNED_ORDER = [
  ['createdAt', 'desc'],
  ['id', 'desc'],
] as const;

export const MODEL_POLICIES: Readonly<Record<AdminModel, ModelPolicy>> = {
  Tenant: {
    hidden: [],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name', 'slug', 'status'],
    textSearch: ['name'],
  },
  User: {
    hidden: ['passwordHash'],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'email', 'name'],
    auditReads: true,
    tenantIndexed: true,
    textSearch: ['email', 'name'],
  },
  Account: {
    hidden: [],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name'],
    tenantIndexed: true,
  },
  Transaction: {
    hidden: [],
    order: [
      ['occurredAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['occurredAt', 'amount'],
    tenantIndexed: true,
    textSearch: ['description'],
  },
  Category: {
    hidden: [],
    order: [
      ['name', 'asc'],
      ['id', 'asc'],
    ],
    sortable: ['name', 'kind', 'createdAt'],
    fewRows: true,
    tenantIndexed: true,
  },
  Budget: {
    hidden: [],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name', 'startsOn'],
    fewRows: true,
    tenantIndexed: true,
  },
  RecurringRule: {
    hidden: [],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'nextRunOn'],
    fewRows: true,
    tenantIndexed: true,
  },
  Asset: {
    hidden: [],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name', 'valuedAt'],
    fewRows: true,
    tenantIndexed: true,
  },
  Liability: {
    hidden: [],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'name'],
    fewRows: true,
    tenantIndexed: true,
  },
  Loan: {
    hidden: [],
    order: TENANT_OWNED_ORDER,
    sortable: ['createdAt', 'startsOn'],
    fewRows: true,
    tenantIndexed: true,
  },
  StaffUser: {
    hidden: ['passwordHash', 'totpSecret', 'totpLastStep'],
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'email', 'name', 'role', 'status', 'lastLoginAt'],
    fewRows: true,
  },
  TenantAccessGrant: {
    hidden: [],
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'expiresAt'],
    fewRows: true,
  },
  AuditEvent: {
    hidden: [],
    order: [
      ['occurredAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['occurredAt'],
    exactMatch: ['action', 'actorId', 'actorRole', 'resource', 'recordId', 'correlationId', 'chainKey', 'ip'],
    // The trail opens on what people did; page views (admin.X.list/show) only when asked for.
    hiddenByDefault: {
      toggle: 'includeReads',
      where: { NOT: READ_EVENT_SUFFIXES.map((suffix) => ({ action: { endsWith: suffix } })) },
    },
  },
  ExportJob: {
    hidden: ['filePath'], // a server path: nothing for staff to read
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'status'],
    fewRows: true,
    exactMatch: ['resource', 'requestedById'],
  },
  OutboxEvent: {
    hidden: [],
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt'],
    exactMatch: ['type'],
  },
  FeatureFlag: {
    hidden: [],
    order: [
      ['key', 'asc'],
      ['id', 'asc'],
    ],
    sortable: ['key', 'enabled', 'createdAt', 'updatedAt'],
    fewRows: true,
  },
  MailMessage: {
    hidden: [],
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt'],
  },
  ApprovalRequest: {
    // The maker's raw input may hold a password's hash (staff creation): the preview is what people read.
    hidden: ['input', 'fingerprint'],
    order: [
      ['createdAt', 'desc'],
      ['id', 'desc'],
    ],
    sortable: ['createdAt', 'status', 'expiresAt'],
    // Requests for a person's second look: hundreds a day at most; expired ones are kept.
    fewRows: true,
    exactMatch: ['action', 'makerId', 'targetId'],
  },
  ApprovalPolicy: {
    hidden: [],
    order: [
      ['action', 'asc'],
      ['id', 'asc'],
    ],
    sortable: ['action', 'updatedAt'],
    // One row per guarded action.
    fewRows: true,
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
