import { minorUnits, SUPPORTED_CURRENCIES } from '../../lib/money.js';
import type { Subject } from '../access/ability.js';
import { col, type FieldTypes, type SqlParams, type SqlType } from '../access/scope-sql.js';
import type { ExportFilters } from './export.schemas.js';
import { READ_EVENT_SUFFIXES } from '../audit/audit.schemas.js';
import { STREAM_COLUMNS } from '../audit/audit.verify-rows.js';

/** Models that can be exported one at a time (CSV, NDJSON or a JSON array). */
export const EXPORTABLE_RESOURCES = [
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
] as const;
export type ExportableResource = (typeof EXPORTABLE_RESOURCES)[number];

/** The right-of-access bundle: one tenant's whole data as one JSON document. */
export const BUNDLE = 'TenantBundle' as const;
export type ExportResource = ExportableResource | typeof BUNDLE;

export type FilterKey = keyof ExportFilters;

export interface ResourceDef {
  model: Exclude<Subject, 'all'>;
  table: string;
  /** Output columns: name and SQL expression over alias `t`. Secrets never appear here. */
  columns: Array<[name: string, sql: string]>;
  /** Deterministic order (the admin list's order), so two runs over the same data are identical. */
  orderBy: string;
  /** The column holding the tenant id (`id` for Tenant itself), or null for AuditEvent's own rules. */
  tenantColumn: string;
  /** Column the `from`/`to` filters apply to. */
  dateColumn: string;
  /** Filters of the admin list that apply to this resource. */
  filters: readonly FilterKey[];
  /** Fields CASL conditions on this model may mention. */
  scopeFields: FieldTypes;
}

const A = 't';
const c = (name: string) => col(A, name);

/** Amounts as strings with the currency's number of decimals ("12.30", "1200", "1.250"). */
const scaleCase = (currencyColumn: string) => {
  const special = SUPPORTED_CURRENCIES.filter((code) => minorUnits(code) !== 2);
  return `CASE ${currencyColumn} ${special.map((code) => `WHEN '${code}' THEN ${minorUnits(code)}`).join(' ')} ELSE 2 END`;
};
const money = (amountCol: string, currencyCol = 'currency') => `round(${c(amountCol)}, ${scaleCase(c(currencyCol))})::text`;
const plain = (...names: string[]): Array<[string, string]> => names.map((n) => [n, c(n)]);

const tenantOwned: FieldTypes = { id: 'uuid', tenantId: 'uuid' };

export const RESOURCES: Record<ExportableResource, ResourceDef> = {
  Tenant: {
    model: 'Tenant',
    table: 'Tenant',
    columns: plain(
      'id',
      'slug',
      'name',
      'status',
      'baseCurrency',
      'suspendedAt',
      'closedAt',
      'erasureDueAt',
      'createdAt',
      'updatedAt',
    ),
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'id',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to', 'status'],
    scopeFields: { id: 'uuid', status: '"TenantStatus"' },
  },
  User: {
    model: 'User',
    table: 'User',
    // Never the password hash, lockout counters or tokens.
    columns: plain(
      'id',
      'tenantId',
      'email',
      'name',
      'phone',
      'role',
      'status',
      'locale',
      'lastLoginAt',
      'closedAt',
      'erasedAt',
      'createdAt',
      'updatedAt',
    ),
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to', 'status'],
    scopeFields: tenantOwned,
  },
  Account: {
    model: 'Account',
    table: 'Account',
    columns: [
      ...plain('id', 'tenantId', 'name', 'type', 'currency', 'institution'),
      [
        'balance',
        `round((SELECT COALESCE(SUM(CASE WHEN x."direction" = 'CREDIT' THEN x."amount" ELSE -x."amount" END), 0)
          FROM "Transaction" x WHERE x."accountId" = ${c('id')} AND x."tenantId" = ${c('tenantId')}), ${scaleCase(c('currency'))})::text`,
      ],
      ...plain('archivedAt', 'createdAt', 'updatedAt'),
    ],
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to'],
    scopeFields: tenantOwned,
  },
  Category: {
    model: 'Category',
    table: 'Category',
    columns: plain('id', 'tenantId', 'name', 'kind', 'isSystem', 'createdAt', 'updatedAt'),
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to'],
    scopeFields: tenantOwned,
  },
  Transaction: {
    model: 'Transaction',
    table: 'Transaction',
    columns: [
      ...plain('id', 'tenantId', 'accountId', 'categoryId'),
      ['amount', money('amount')],
      ...plain(
        'currency',
        'direction',
        'occurredAt',
        'description',
        'kind',
        'adjustsTransactionId',
        'recurringRuleId',
        'recurrenceDate',
        'createdAt',
      ),
    ],
    orderBy: `${c('occurredAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'occurredAt',
    filters: ['tenantId', 'from', 'to', 'accountId', 'categoryId', 'direction', 'kind'],
    scopeFields: tenantOwned,
  },
  Budget: {
    model: 'Budget',
    table: 'Budget',
    columns: [
      ...plain('id', 'tenantId', 'categoryId', 'name'),
      ['amount', money('amount')],
      ...plain('currency', 'period', 'startsOn', 'endsOn', 'createdAt', 'updatedAt'),
    ],
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to', 'categoryId'],
    scopeFields: tenantOwned,
  },
  RecurringRule: {
    model: 'RecurringRule',
    table: 'RecurringRule',
    columns: [
      ...plain('id', 'tenantId', 'accountId', 'categoryId'),
      ['amount', money('amount')],
      ...plain(
        'currency',
        'direction',
        'description',
        'frequency',
        'interval',
        'startsOn',
        'endsOn',
        'nextRunOn',
        'active',
        'createdAt',
        'updatedAt',
      ),
    ],
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to', 'accountId', 'categoryId', 'direction'],
    scopeFields: tenantOwned,
  },
  Asset: {
    model: 'Asset',
    table: 'Asset',
    columns: [
      ...plain('id', 'tenantId', 'name', 'type'),
      ['value', money('value')],
      ...plain('currency', 'valuedAt', 'createdAt', 'updatedAt'),
    ],
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to'],
    scopeFields: tenantOwned,
  },
  Liability: {
    model: 'Liability',
    table: 'Liability',
    columns: [
      ...plain('id', 'tenantId', 'name', 'type'),
      ['amount', money('amount')],
      ...plain('currency', 'createdAt', 'updatedAt'),
    ],
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to'],
    scopeFields: tenantOwned,
  },
  Loan: {
    model: 'Loan',
    table: 'Loan',
    columns: [
      ...plain('id', 'tenantId', 'liabilityId', 'lender'),
      ['principal', money('principal')],
      ...plain('currency'),
      ['annualRatePct', `${c('annualRatePct')}::text`],
      ...plain('termMonths', 'startsOn'),
      ['paymentAmount', money('paymentAmount')],
      ...plain('paymentDay', 'createdAt', 'updatedAt'),
    ],
    orderBy: `${c('createdAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'createdAt',
    filters: ['tenantId', 'from', 'to'],
    scopeFields: tenantOwned,
  },
  AuditEvent: {
    model: 'AuditEvent',
    table: 'AuditEvent',
    // Everything, hashes included: an auditor can re-verify the chain from the export alone. The
    // columns are the verifier's own list, in its order; bigints as text (JSON has no int64).
    columns: STREAM_COLUMNS.map((name): [string, string] => [
      name,
      name === 'id' || name === 'seq' ? `${c(name)}::text` : c(name),
    ]),
    orderBy: `${c('occurredAt')} DESC, ${c('id')} DESC`,
    tenantColumn: 'tenantId',
    dateColumn: 'occurredAt',
    filters: ['tenantId', 'from', 'to', 'actorType', 'actorId', 'action', 'outcome', 'includeReads'],
    scopeFields: { id: 'bigint', tenantId: 'uuid', actorId: 'text', action: 'text' },
  },
};

/** Sections of the right-of-access bundle, in document order (JSON key, resource). */
export const BUNDLE_SECTIONS: Array<{ key: string; resource: ExportableResource; single?: boolean }> = [
  { key: 'tenant', resource: 'Tenant', single: true },
  { key: 'users', resource: 'User' },
  { key: 'accounts', resource: 'Account' },
  { key: 'categories', resource: 'Category' },
  { key: 'transactions', resource: 'Transaction' },
  { key: 'budgets', resource: 'Budget' },
  { key: 'recurringRules', resource: 'RecurringRule' },
  { key: 'assets', resource: 'Asset' },
  { key: 'liabilities', resource: 'Liability' },
  { key: 'loans', resource: 'Loan' },
];

const FILTER_COLUMNS: Partial<Record<FilterKey, [column: string, type: SqlType]>> = {
  accountId: ['accountId', 'uuid'],
  categoryId: ['categoryId', 'uuid'],
  direction: ['direction', '"Direction"'],
  kind: ['kind', '"TransactionKind"'],
  actorType: ['actorType', '"ActorType"'],
  actorId: ['actorId', 'text'],
  action: ['action', 'text'],
  outcome: ['outcome', '"AuditOutcome"'],
};
const STATUS_TYPE: Partial<Record<ExportableResource, SqlType>> = { Tenant: '"TenantStatus"', User: '"UserStatus"' };

/** The SQL condition of the admin list filters, for one resource (unknown keys were refused earlier). */
export function filtersToSql(def: ResourceDef, resource: ExportableResource, filters: ExportFilters, params: SqlParams): string {
  const parts: string[] = [];
  if (filters.tenantId) parts.push(`${c(def.tenantColumn)} = ${params.add(filters.tenantId, 'uuid')}`);
  if (filters.from) parts.push(`${c(def.dateColumn)} >= ${params.add(filters.from, 'timestamptz')}`);
  if (filters.to) parts.push(`${c(def.dateColumn)} < ${params.add(filters.to, 'timestamptz')}`);
  if (filters.status) {
    const type = STATUS_TYPE[resource];
    if (type) parts.push(`${c('status')} = ${params.add(filters.status, type)}`);
  }
  // Page views (read events) left out: constant patterns, no value of the request in the SQL.
  if (resource === 'AuditEvent' && filters.includeReads === 'false')
    parts.push(`NOT (${READ_EVENT_SUFFIXES.map((suffix) => `${c('action')} LIKE '%${suffix}'`).join(' OR ')})`);
  for (const [key, spec] of Object.entries(FILTER_COLUMNS) as Array<[FilterKey, [string, SqlType]]>) {
    const value = filters[key];
    if (value !== undefined && value !== null && key !== 'tenantId') parts.push(`${c(spec[0])} = ${params.add(value, spec[1])}`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** The SELECT of one resource: its columns, from its table aliased `t`, under `where`. */
export function selectSql(def: ResourceDef, where: string): string {
  const columns = def.columns.map(([name, sql]) => `${sql} AS "${name}"`).join(', ');
  return `SELECT ${columns} FROM "${def.table}" ${A} WHERE ${where} ORDER BY ${def.orderBy}`;
}

export const countSql = (def: ResourceDef, where: string): string =>
  `SELECT count(*)::bigint AS n FROM "${def.table}" ${A} WHERE ${where}`;
