import { AbilityBuilder } from '@casl/ability';
import { createPrismaAbility, type PrismaAbility, type Subjects } from '@casl/prisma';
import type {
  Account,
  ApprovalPolicy,
  ApprovalRequest,
  AuditCheckpoint,
  AuditEvent,
  Budget,
  Category,
  ExportJob,
  FeatureFlag,
  Liability,
  Loan,
  MailMessage,
  OutboxEvent,
  RecurringRule,
  StaffUser,
  Tenant,
  TenantAccessGrant,
  Transaction,
  User,
} from '@prisma/client';
import type { Actor } from './actor.js';

/**
 * The one ability definition, shared by the admin, the API, the CLI and the jobs. Services turn
 * it into Prisma `where` clauses with `accessibleBy`, so a record outside it is never loaded.
 */
export type Action =
  | 'manage'
  | 'read'
  | 'create'
  | 'update'
  | 'delete'
  | 'suspend'
  | 'reactivate'
  | 'unlock'
  | 'resetPassword'
  | 'adjust'
  | 'reveal'
  | 'grant'
  | 'revoke'
  | 'verify'
  | 'export'
  | 'download'
  | 'close'
  | 'disable'
  | 'enable'
  | 'reopen'
  /** Approve or reject another person's approval request (four-eyes). */
  | 'approve'
  /** Read personal fields in clear (without it they are masked unless revealed with a reason). */
  | 'readUnmasked';

export type Subject =
  | 'all'
  | 'Tenant'
  | 'User'
  | 'Account'
  | 'Transaction'
  | 'Category'
  | 'Budget'
  | 'RecurringRule'
  | 'Asset'
  | 'Liability'
  | 'Loan'
  | 'StaffUser'
  | 'TenantAccessGrant'
  | 'AuditEvent'
  | 'AuditCheckpoint'
  | 'ExportJob'
  | 'OutboxEvent'
  | 'MailMessage'
  | 'FeatureFlag'
  | 'ApprovalRequest'
  | 'ApprovalPolicy';

type AppSubjects =
  | 'all'
  | Subjects<{
      Tenant: Tenant;
      User: User;
      Account: Account;
      Transaction: Transaction;
      Category: Category;
      Budget: Budget;
      RecurringRule: RecurringRule;
      Asset: { id: string; tenantId: string };
      Liability: Liability;
      Loan: Loan;
      StaffUser: StaffUser;
      TenantAccessGrant: TenantAccessGrant;
      AuditEvent: AuditEvent;
      AuditCheckpoint: AuditCheckpoint;
      ExportJob: ExportJob;
      OutboxEvent: OutboxEvent;
      MailMessage: MailMessage;
      FeatureFlag: FeatureFlag;
      ApprovalRequest: ApprovalRequest;
      ApprovalPolicy: ApprovalPolicy;
    }>;

export type AppAbility = PrismaAbility<[string, AppSubjects]>;

/** The guarded actions an engineer may approve (what an engineer may perform). */
export const ENGINEER_APPROVABLE = ['export.tenant', 'feature_flag.kill_switch'] as const;

/** Models whose rows belong to one tenant through `tenantId`. */
export const TENANT_OWNED = [
  'User',
  'Account',
  'Transaction',
  'Category',
  'Budget',
  'RecurringRule',
  'Asset',
  'Liability',
  'Loan',
] as const;

/** Personal data fields, masked for roles without `readUnmasked` unless revealed. */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  User: ['email', 'name', 'phone', 'pendingEmail'],
  // A household's name is usually its family name.
  Tenant: ['name'],
  StaffUser: [],
  // The development mailbox holds mail to users (their address, and text with their name).
  MailMessage: ['to', 'text'],
};

/**
 * Fields users may change on their own profile (PATCH /api/v1/me, PUT /api/v1/me/consents). A new
 * email is only requested here (pendingEmail); it becomes `email` through its verification link.
 */
export const USER_SELF_EDITABLE_FIELDS = [
  'name',
  'phone',
  'locale',
  'pendingEmail',
  'emailVerificationSentAt',
  'marketingConsent',
  'notificationsConsent',
  'consentUpdatedAt',
];

/** Fields support staff may change on a user's profile (the status changes only through transitions). */
export const SUPPORT_EDITABLE_USER_FIELDS = ['name', 'phone', 'locale'];

/**
 * The tenants an actor's work may touch: a support agent's active grants, a user's own tenant,
 * or every tenant for roles that are global by definition (superadmin, compliance, engineer,
 * the system). The one place that decides it; the ability below and every tenant-set decision
 * elsewhere (query plans, database row-level security) derive from it.
 */
export type TenantScope = { kind: 'all' } | { kind: 'tenants'; tenantIds: readonly string[] };

export function tenantScopeOf(actor: Actor): TenantScope {
  switch (actor.type) {
    case 'USER':
      return { kind: 'tenants', tenantIds: [actor.tenantId] };
    case 'STAFF':
      return actor.role === 'SUPPORT' ? { kind: 'tenants', tenantIds: [...actor.grantedTenantIds] } : { kind: 'all' };
    case 'SYSTEM':
      return actor.tenants === 'all' ? { kind: 'all' } : { kind: 'tenants', tenantIds: [...actor.tenants] };
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tenant set a unit of database work runs under (row-level security, ADR 0011): what
 * src/db applies with set_config(…, true) as the first statement of every transaction. The ONE
 * function that decides it, from tenantScopeOf(): a support agent's active grants (read when
 * their context was built, i.e. per request), a user's own tenant, a system job's named
 * tenants, or all tenants for abilities global by definition (superadmin, compliance, engineer,
 * system work built with ALL_TENANTS).
 */
export function tenantSetOf(actor: Actor): { allTenants: boolean; tenantIds: readonly string[] } {
  const scope = tenantScopeOf(actor);
  if (scope.kind === 'all') return { allTenants: true, tenantIds: [] };
  // A malformed id would make the database's cast fail: refuse it here, with a clear message.
  for (const id of scope.tenantIds) if (!UUID_RE.test(id)) throw new Error(`tenant set: not a tenant id: ${JSON.stringify(id)}`);
  return { allTenants: false, tenantIds: [...new Set(scope.tenantIds.map((id) => id.toLowerCase()))].sort() };
}

export function defineAbilityFor(actor: Actor): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createPrismaAbility);

  switch (actor.type) {
    case 'SYSTEM':
      // The ability stays whole; a system context named for some tenants is bounded by the
      // database (its tenant set, tenantSetOf) to those tenants.
      can('manage', 'all');
      break;
    case 'USER': {
      const own = { tenantId: actor.tenantId };
      can(['read', 'readUnmasked'], 'Tenant', { id: actor.tenantId });
      can(['read', 'readUnmasked'], 'User', { id: actor.id });
      can('close', 'User', { id: actor.id });
      // Rectification and consent: their own profile, these fields only (never status, role, credentials).
      can('update', 'User', USER_SELF_EDITABLE_FIELDS, { id: actor.id });
      for (const subject of ['Account', 'Category', 'Budget', 'RecurringRule', 'Asset', 'Liability', 'Loan'] as const)
        can(['read', 'create'], subject, own);
      can(['read', 'create', 'adjust'], 'Transaction', own);
      can(['read', 'create', 'download'], 'ExportJob', { requestedById: actor.id, tenantId: actor.tenantId });
      // Their own held adjustments (the 202 of the API).
      can('read', 'ApprovalRequest', { makerType: 'USER', makerId: actor.id, tenantId: actor.tenantId });
      break;
    }
    case 'STAFF':
      switch (actor.role) {
        case 'SUPERADMIN':
          can('manage', 'all');
          break;
        case 'SUPPORT': {
          const scope = tenantScopeOf(actor);
          const tenants = scope.kind === 'tenants' ? [...scope.tenantIds] : [];
          can(['read', 'readUnmasked'], 'Tenant', { id: { in: tenants } });
          can(['suspend', 'reactivate'], 'Tenant', { id: { in: tenants } });
          for (const subject of TENANT_OWNED) can('read', subject, { tenantId: { in: tenants } });
          can('readUnmasked', 'User', { tenantId: { in: tenants } });
          can('update', 'User', SUPPORT_EDITABLE_USER_FIELDS, { tenantId: { in: tenants } });
          can(['unlock', 'resetPassword', 'close', 'disable', 'enable', 'reopen'], 'User', { tenantId: { in: tenants } });
          can('adjust', 'Transaction', { tenantId: { in: tenants } });
          // Only grants still running: an ended one no longer shows its tenant or reason.
          can('read', 'TenantAccessGrant', { staffUserId: actor.id, revokedAt: null, expiresAt: { gt: new Date() } });
          can('read', 'StaffUser', { id: actor.id });
          // Exports of what they may read, within granted tenants only: one tenant they hold a
          // grant on, or (no tenant) the rows of all their granted tenants. They see and download
          // only their own exports, and only while their grants still cover the export's tenant.
          const own = { requestedByType: 'STAFF' as const, requestedById: actor.id };
          can(['create', 'download'], 'ExportJob', { ...own, tenantId: { in: tenants } });
          can(['create', 'download'], 'ExportJob', { ...own, tenantId: null });
          can('read', 'ExportJob', own);
          // Four-eyes: requests of granted tenants (to approve them) and their own (to follow or withdraw them).
          can(['read', 'approve'], 'ApprovalRequest', { tenantId: { in: tenants } });
          can('read', 'ApprovalRequest', { makerType: 'STAFF', makerId: actor.id });
          break;
        }
        case 'COMPLIANCE':
          can('read', 'all');
          can('reveal', ['User', 'Tenant']);
          can(['verify', 'export'], 'AuditEvent');
          can(['create', 'download'], 'ExportJob', { resource: 'AuditEvent' });
          break;
        case 'ENGINEER':
          can('read', 'Tenant');
          can('export', 'Tenant');
          can(['read', 'create', 'download'], 'ExportJob');
          can('read', ['OutboxEvent', 'MailMessage', 'FeatureFlag']);
          can(['create', 'update', 'delete'], 'FeatureFlag');
          can('read', 'StaffUser', { id: actor.id });
          can(['read', 'approve'], 'ApprovalRequest', { action: { in: [...ENGINEER_APPROVABLE] } });
          can('read', 'ApprovalRequest', { makerType: 'STAFF', makerId: actor.id });
          break;
      }
      break;
  }

  // Nobody, not even a superadmin or the system, changes history.
  cannot(['update', 'delete'], ['Transaction', 'AuditEvent', 'AuditCheckpoint']);
  cannot('create', ['AuditEvent', 'AuditCheckpoint']);
  // Approval requests and policies are history too: they change state, they are never deleted.
  cannot('delete', ['ApprovalRequest', 'ApprovalPolicy']);
  return build();
}

/** The sections of the back-office dashboard. */
export type DashboardSection = 'support' | 'compliance' | 'engineering' | 'staff';

/**
 * Which dashboard sections an actor gets: the work of their role (SPEC §4.1), every section for
 * a superadmin, none for tenant users and the system. Each section's figures are still counted
 * within the actor's ability.
 */
export function dashboardSectionsOf(actor: Actor): DashboardSection[] {
  if (actor.type !== 'STAFF') return [];
  switch (actor.role) {
    case 'SUPERADMIN':
      return ['support', 'compliance', 'engineering', 'staff'];
    case 'SUPPORT':
      return ['support'];
    case 'COMPLIANCE':
      return ['compliance'];
    case 'ENGINEER':
      return ['engineering'];
  }
}
