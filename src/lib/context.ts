import type { AppAbility } from '../modules/access/ability.js';
import type { Actor } from '../modules/access/actor.js';

/**
 * What every service function receives first: who acts, what they may do, and the request's
 * correlation id and locale. Services never look at HTTP or AdminJS objects.
 */
export interface ServiceContext {
  actor: Actor;
  ability: AppAbility;
  correlationId: string;
  locale: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** Record ids whose personal data this staff member revealed (with a reason) this session. */
  revealed?: ReadonlySet<string>;
}
