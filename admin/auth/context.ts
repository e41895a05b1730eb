import type { CurrentAdmin } from 'adminjs';
import type { ServiceContext } from '../../src/lib/context.js';
import { AppError } from '../../src/lib/errors.js';
import type { Services } from '../../src/services.js';
import { requestMetaOf, staffFromCurrentAdmin } from './current-admin.js';

/**
 * The service context of the staff member behind an AdminJS request (`context.currentAdmin` in
 * actions and handlers): their ability with grants read now, and this request's correlation id,
 * IP and user agent for the audit trail. Throws UNAUTHENTICATED without a staff session.
 */
export async function serviceContextFor(
  services: Pick<Services, 'staffAuth'>,
  currentAdmin: CurrentAdmin | undefined,
): Promise<ServiceContext> {
  const staff = staffFromCurrentAdmin(currentAdmin);
  if (!staff) throw new AppError({ code: 'AUTH.UNAUTHENTICATED', kind: 'UNAUTHENTICATED' });
  return services.staffAuth.contextFor(staff, requestMetaOf(currentAdmin));
}
