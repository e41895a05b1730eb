import type { CurrentAdmin } from 'adminjs';
import { defineAbilityFor, type Action, type AppAbility, type Subject } from '../../src/modules/access/ability.js';

type StaffRole = 'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER';
const ROLES: readonly StaffRole[] = ['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER'];

const byRole = new Map<StaffRole, AppAbility>(
  ROLES.map((role) => [role, defineAbilityFor({ type: 'STAFF', id: `role:${role}`, role, grantedTenantIds: [] })]),
);

/** The signed-in staff member's role, or null. */
export function roleOf(currentAdmin: CurrentAdmin | undefined | null): StaffRole | null {
  const role = (currentAdmin as { role?: string } | undefined | null)?.role;
  return ROLES.includes(role as StaffRole) ? (role as StaffRole) : null;
}

/**
 * Whether the role has any rule for the action on the model: what the UI offers. The services
 * decide for real, per record and within the grants (and audit refusals).
 */
export function roleCan(
  currentAdmin: CurrentAdmin | undefined | null,
  action: Action,
  subject: Exclude<Subject, 'all'>,
): boolean {
  const role = roleOf(currentAdmin);
  return role ? byRole.get(role)!.can(action, subject) : false;
}
