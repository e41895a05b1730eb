import { BaseProperty, type ResourceOptions } from 'adminjs';
import type { AdminModel } from '../../src/modules/admin-records/admin-records.policy.js';
import { ADMIN_MODELS, MODEL_POLICIES, MONEY_COLUMNS } from '../../src/modules/admin-records/admin-records.policy.js';
import { auditActionChoices } from '../../src/modules/audit/audit.actions.js';
import type { FormField } from '../actions/form-action.js';
import { formattedName } from '../adapter/scoped-resource.js';
import { ResourceComponents } from '../components/index.js';
import { NAVIGATION } from './navigation.js';

type StaffRole = 'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER';

/** How one model appears in the admin: its options, virtual properties and `new` form. */
export interface ResourceDefinition {
  model: AdminModel;
  options: ResourceOptions;
  newForm?: FormField[];
  hiddenFor?: StaffRole[];
}

const visibleIn = (list: boolean, show: boolean, edit: boolean, filter: boolean) => ({ isVisible: { list, show, edit, filter } });

/** The formatted-money virtual properties of a model (display only). */
export function moneyProperties(model: AdminModel): BaseProperty[] {
  return (MONEY_COLUMNS[model]?.amounts ?? []).map(
    (amount) => new BaseProperty({ path: formattedName(amount), type: 'string', isSortable: false }),
  );
}

const MASKED = new BaseProperty({ path: 'personalDataMasked', type: 'boolean', isSortable: false });
/** The audit trail's toggle: page views (list/show events) are left out unless it is on. */
const INCLUDE_READS = new BaseProperty({ path: 'includeReads', type: 'boolean', isSortable: false });

/** Virtual properties filled by the adapter (formatted money, the masked flag). */
export function virtualProperties(model: AdminModel): BaseProperty[] {
  return [
    ...moneyProperties(model),
    ...(model === 'User' || model === 'MailMessage' ? [MASKED] : []),
    ...(model === 'AuditEvent' ? [INCLUDE_READS] : []),
  ];
}

/** Shared property options: money shown formatted, raw amounts only in forms and filters. */
function commonProperties(model: AdminModel): NonNullable<ResourceOptions['properties']> {
  const props: NonNullable<ResourceOptions['properties']> = {};
  for (const amount of MONEY_COLUMNS[model]?.amounts ?? []) {
    props[formattedName(amount)] = { ...visibleIn(true, true, false, false), isSortable: false };
    props[amount] = { ...visibleIn(false, false, true, true) };
  }
  if (model === 'User' || model === 'MailMessage') props.personalDataMasked = { ...visibleIn(false, true, false, false) };
  return props;
}

const sortOf = (model: AdminModel) => {
  const [field, direction] = MODEL_POLICIES[model].order[0]!;
  return { sortBy: field, direction };
};

const base = (model: AdminModel, navigation: { name: string; icon: string }, options: ResourceOptions): ResourceOptions => ({
  navigation,
  sort: sortOf(model),
  ...options,
  properties: { ...commonProperties(model), ...(options.properties ?? {}) },
});

const TENANT_REF = { reference: 'Tenant', type: 'reference' as const };
/** A fixed list of values (a dropdown in filters); labels are translated by the admin. */
const choices = (values: string[]) => values.map((value) => ({ value, label: value }));
const ACTOR_COMPONENTS = { list: ResourceComponents.ActorValue, show: ResourceComponents.ActorValue };

export const RESOURCE_DEFINITIONS: ResourceDefinition[] = [
  {
    model: 'Tenant',
    hiddenFor: ['ENGINEER'], // engineers reach tenants through exports, not by browsing
    options: base('Tenant', NAVIGATION.customers, {
      titleProperty: 'name',
      listProperties: ['name', 'slug', 'status', 'baseCurrency', 'createdAt'],
      filterProperties: ['name', 'slug', 'status', 'baseCurrency', 'createdAt'],
      showProperties: [
        'id',
        'name',
        'slug',
        'status',
        'baseCurrency',
        'suspendedAt',
        'closedAt',
        'erasureDueAt',
        'createdAt',
        'updatedAt',
      ],
      editProperties: ['name', 'baseCurrency'], // the slug is fixed at creation (UpdateTenantInput has no slug)
    }),
  },
  {
    model: 'User',
    newForm: [
      { name: 'tenantId', type: 'reference', reference: 'Tenant', required: true },
      { name: 'email', type: 'text', required: true },
      { name: 'name', type: 'text' },
      { name: 'phone', type: 'text' },
      { name: 'role', type: 'select', options: ['OWNER', 'MEMBER'] },
      { name: 'locale', type: 'select', options: ['en', 'es'] },
      { name: 'password', type: 'password', required: true },
    ],
    options: base('User', NAVIGATION.customers, {
      titleProperty: 'email',
      listProperties: ['email', 'name', 'tenant', 'status', 'role', 'lastLoginAt', 'createdAt'],
      filterProperties: ['email', 'name', 'tenant', 'status', 'role', 'createdAt'],
      showProperties: [
        'id',
        'email',
        'name',
        'phone',
        'personalDataMasked',
        'tenant',
        'role',
        'status',
        'locale',
        'failedLoginCount',
        'lockedUntil',
        'passwordResetSentAt',
        'emailVerifiedAt',
        'pendingEmail',
        'termsVersion',
        'termsAcceptedAt',
        'marketingConsent',
        'notificationsConsent',
        'consentUpdatedAt',
        'lastLoginAt',
        'closedAt',
        'erasureDueAt',
        'erasedAt',
        'createdAt',
        'updatedAt',
      ],
      editProperties: ['email', 'name', 'phone', 'locale', 'status', 'role'],
    }),
  },
  {
    model: 'Account',
    options: base('Account', NAVIGATION.money, {
      titleProperty: 'name',
      listProperties: ['name', 'tenant', 'type', 'currency', 'institution', 'createdAt'],
      filterProperties: ['tenant', 'name', 'type', 'currency', 'institution', 'createdAt'],
      showProperties: ['id', 'name', 'tenant', 'type', 'currency', 'institution', 'archivedAt', 'createdAt', 'updatedAt'],
      editProperties: ['tenant', 'name', 'type', 'currency', 'institution', 'archivedAt'],
    }),
  },
  {
    model: 'Transaction',
    options: base('Transaction', NAVIGATION.money, {
      titleProperty: 'description',
      listProperties: ['occurredAt', 'tenant', 'account', 'amountFormatted', 'direction', 'category', 'description', 'kind'],
      filterProperties: ['tenant', 'account', 'category', 'direction', 'kind', 'occurredAt', 'amount', 'currency', 'description'],
      showProperties: [
        'id',
        'occurredAt',
        'tenant',
        'account',
        'category',
        'amountFormatted',
        'direction',
        'kind',
        'description',
        'adjusts',
        'recurringRule',
        'recurrenceDate',
        'createdAt',
      ],
      editProperties: [],
      properties: { amount: { ...visibleIn(false, false, false, true) } },
    }),
  },
  {
    model: 'Category',
    options: base('Category', NAVIGATION.money, {
      titleProperty: 'name',
      listProperties: ['name', 'tenant', 'kind', 'isSystem'],
      filterProperties: ['tenant', 'name', 'kind', 'isSystem'],
      editProperties: ['tenant', 'name', 'kind'],
    }),
  },
  {
    model: 'Budget',
    options: base('Budget', NAVIGATION.money, {
      titleProperty: 'name',
      listProperties: ['name', 'tenant', 'category', 'amountFormatted', 'period', 'startsOn', 'endsOn'],
      filterProperties: ['tenant', 'category', 'name', 'period', 'startsOn'],
      editProperties: ['tenant', 'category', 'name', 'amount', 'currency', 'period', 'startsOn', 'endsOn'],
    }),
  },
  {
    model: 'RecurringRule',
    options: base('RecurringRule', NAVIGATION.money, {
      titleProperty: 'description',
      listProperties: ['description', 'tenant', 'account', 'amountFormatted', 'direction', 'frequency', 'nextRunOn', 'active'],
      filterProperties: ['tenant', 'account', 'category', 'frequency', 'active', 'nextRunOn'],
      editProperties: [
        'tenant',
        'account',
        'category',
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
    }),
  },
  {
    model: 'Asset',
    options: base('Asset', NAVIGATION.money, {
      titleProperty: 'name',
      listProperties: ['name', 'tenant', 'type', 'valueFormatted', 'valuedAt'],
      filterProperties: ['tenant', 'name', 'type', 'currency', 'valuedAt'],
      editProperties: ['tenant', 'name', 'type', 'value', 'currency', 'valuedAt'],
    }),
  },
  {
    model: 'Liability',
    options: base('Liability', NAVIGATION.money, {
      titleProperty: 'name',
      listProperties: ['name', 'tenant', 'type', 'amountFormatted', 'createdAt'],
      filterProperties: ['tenant', 'name', 'type', 'currency'],
      editProperties: ['tenant', 'name', 'type', 'amount', 'currency'],
    }),
  },
  {
    model: 'Loan',
    options: base('Loan', NAVIGATION.money, {
      titleProperty: 'lender',
      listProperties: ['lender', 'tenant', 'liability', 'principalFormatted', 'paymentAmountFormatted', 'termMonths', 'startsOn'],
      filterProperties: ['tenant', 'liability', 'lender', 'startsOn'],
      editProperties: [
        'tenant',
        'liability',
        'lender',
        'principal',
        'currency',
        'annualRatePct',
        'termMonths',
        'startsOn',
        'paymentAmount',
        'paymentDay',
      ],
    }),
  },
  {
    model: 'StaffUser',
    newForm: [
      { name: 'email', type: 'text', required: true },
      { name: 'name', type: 'text' },
      { name: 'role', type: 'select', required: true, options: ['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER'] },
      { name: 'locale', type: 'select', options: ['en', 'es'] },
      { name: 'password', type: 'password', required: true },
    ],
    options: base('StaffUser', NAVIGATION.staff, {
      titleProperty: 'email',
      listProperties: ['email', 'name', 'role', 'status', 'locale', 'lastLoginAt', 'createdAt'],
      filterProperties: ['email', 'name', 'role', 'status'],
      showProperties: [
        'id',
        'email',
        'name',
        'role',
        'status',
        'locale',
        'failedLoginCount',
        'lockedUntil',
        'lastLoginAt',
        'sessionVersion',
        'createdAt',
        'updatedAt',
      ],
      editProperties: ['name', 'role', 'locale'],
    }),
  },
  {
    model: 'TenantAccessGrant',
    options: base('TenantAccessGrant', NAVIGATION.staff, {
      titleProperty: 'reason',
      listProperties: ['staffUser', 'tenant', 'reason', 'expiresAt', 'revokedAt', 'grantedBy', 'createdAt'],
      filterProperties: ['staffUser', 'tenant', 'expiresAt', 'revokedAt', 'grantedBy'],
      showProperties: ['id', 'staffUser', 'tenant', 'reason', 'expiresAt', 'grantedBy', 'createdAt', 'revokedAt', 'revokedBy'],
      editProperties: [],
    }),
  },
  {
    model: 'AuditEvent',
    options: base('AuditEvent', NAVIGATION.compliance, {
      titleProperty: 'action',
      listProperties: [
        'occurredAt',
        'action',
        'outcome',
        'actorType',
        'actorRole',
        'actorId',
        'resource',
        'recordId',
        'tenantId',
      ],
      filterProperties: [
        'occurredAt',
        'tenantId',
        'actorType',
        'actorId',
        'actorRole',
        'action',
        'outcome',
        'resource',
        'recordId',
        'correlationId',
        'includeReads',
      ],
      showProperties: [
        'id',
        'occurredAt',
        'tenantId',
        'actorType',
        'actorId',
        'actorRole',
        'action',
        'resource',
        'recordId',
        'outcome',
        'reason',
        'diff',
        'ip',
        'userAgent',
        'correlationId',
        'chainKey',
        'seq',
        'prevHash',
        'hash',
      ],
      editProperties: [],
      properties: {
        tenantId: TENANT_REF,
        diff: { components: { show: ResourceComponents.DiffView } },
        // Who and what, by name: the actor (staff member, user or system job) and the record acted on;
        // the actor is chosen from the staff (a reference picker), not typed as an id.
        actorId: { components: ACTOR_COMPONENTS, custom: { typePath: 'actorType' }, reference: 'StaffUser', type: 'reference' },
        actorRole: { availableValues: choices(['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER', 'OWNER', 'MEMBER']) },
        resource: { availableValues: choices([...ADMIN_MODELS]) },
        // The catalogue of action codes (audit.actions.ts), labelled in the staff member's language.
        action: { availableValues: choices(auditActionChoices(ADMIN_MODELS)), custom: { values: 'auditAction' } },
        includeReads: { ...visibleIn(false, false, false, true) },
        recordId: { components: ACTOR_COMPONENTS, custom: { resourcePath: 'resource' } },
      },
    }),
  },
  {
    model: 'ExportJob',
    options: base('ExportJob', NAVIGATION.operations, {
      titleProperty: 'resource',
      listProperties: [
        'resource',
        'format',
        'tenant',
        'status',
        'rowsDone',
        'rowsTotal',
        'requestedById',
        'createdAt',
        'finishedAt',
      ],
      filterProperties: ['tenant', 'resource', 'format', 'status', 'requestedById', 'createdAt'],
      showProperties: [
        'id',
        'resource',
        'format',
        'tenant',
        'status',
        'rowsDone',
        'rowsTotal',
        'reason',
        'filters',
        'requestedByType',
        'requestedById',
        'sha256',
        'error',
        'attempts',
        'createdAt',
        'startedAt',
        'finishedAt',
      ],
      editProperties: [],
      properties: { requestedById: { components: ACTOR_COMPONENTS, custom: { typePath: 'requestedByType' } } },
    }),
  },
  {
    model: 'OutboxEvent',
    options: base('OutboxEvent', NAVIGATION.operations, {
      titleProperty: 'type',
      listProperties: ['type', 'status', 'attempts', 'availableAt', 'dispatchedAt', 'tenantId', 'createdAt'],
      filterProperties: ['type', 'status', 'tenantId', 'createdAt'],
      showProperties: [
        'id',
        'type',
        'status',
        'tenantId',
        'attempts',
        'availableAt',
        'dispatchedAt',
        'lastError',
        'payload',
        'createdAt',
      ],
      editProperties: ['status', 'availableAt'],
      properties: { tenantId: TENANT_REF },
    }),
  },
  {
    model: 'FeatureFlag',
    options: base('FeatureFlag', NAVIGATION.operations, {
      titleProperty: 'key',
      listProperties: ['key', 'enabled', 'rolloutPercentage', 'owner', 'startsAt', 'endsAt', 'updatedAt'],
      filterProperties: ['key', 'enabled', 'owner'],
      editProperties: ['key', 'description', 'owner', 'enabled', 'rolloutPercentage', 'tenantIds', 'startsAt', 'endsAt'],
    }),
  },
  {
    model: 'MailMessage',
    options: base('MailMessage', NAVIGATION.operations, {
      titleProperty: 'subject',
      listProperties: ['createdAt', 'to', 'subject'],
      filterProperties: ['to', 'subject', 'createdAt'],
      showProperties: ['id', 'createdAt', 'to', 'subject', 'text', 'personalDataMasked', 'dedupeKey'],
      editProperties: [],
      properties: { text: { type: 'textarea' } },
    }),
  },
  {
    model: 'ApprovalRequest',
    options: base('ApprovalRequest', NAVIGATION.approvals, {
      titleProperty: 'action',
      listProperties: ['createdAt', 'action', 'status', 'makerId', 'tenantId', 'approvalsGiven', 'expiresAt'],
      filterProperties: ['status', 'action', 'makerId', 'tenantId', 'createdAt'],
      showProperties: [
        'id',
        'action',
        'status',
        'reason',
        'preview',
        'tenantId',
        'targetType',
        'targetId',
        'makerType',
        'makerId',
        'makerRole',
        'approverRoles',
        'approvalsRequired',
        'approvalsGiven',
        'expiresAt',
        'remindedAt',
        'decidedAt',
        'decidedById',
        'resultId',
        'failureCode',
        'rejectionReason',
        'policyVersion',
        'createdAt',
      ],
      editProperties: [],
      properties: {
        tenantId: TENANT_REF,
        // What will change, as the audit trail shows a change: field, before, after.
        preview: { components: { show: ResourceComponents.DiffView } },
        makerId: { components: ACTOR_COMPONENTS, custom: { typePath: 'makerType' } },
        targetId: { components: ACTOR_COMPONENTS, custom: { resourcePath: 'targetType' } },
      },
    }),
  },
  {
    model: 'ApprovalPolicy',
    options: base('ApprovalPolicy', NAVIGATION.approvals, {
      titleProperty: 'action',
      listProperties: ['action', 'enabled', 'approverRoles', 'approvalsRequired', 'ttlHours', 'version', 'updatedAt'],
      filterProperties: ['action', 'enabled'],
      showProperties: [
        'id',
        'action',
        'description',
        'enabled',
        'approverRoles',
        'approvalsRequired',
        'ttlHours',
        'thresholds',
        'version',
        'createdAt',
        'updatedAt',
      ],
      editProperties: ['description', 'enabled', 'approverRoles', 'approvalsRequired', 'ttlHours', 'thresholds'],
      properties: {
        // One named checkbox per role (AdminJS's array editor has icon-only buttons).
        approverRoles: {
          availableValues: choices(['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER']),
          components: { edit: ResourceComponents.CheckboxGroupEdit },
        },
        // Amount per currency: named fields per row (AdminJS shows a JSON column as an empty section).
        thresholds: { components: { edit: ResourceComponents.ThresholdsEdit, show: ResourceComponents.ThresholdsShow } },
      },
    }),
  },
];
