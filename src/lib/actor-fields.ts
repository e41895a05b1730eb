import type { ServiceContext } from './context.js';

type RequestFields = { ip: string | null; userAgent: string | null; correlationId: string };
export type ActorFields = RequestFields &
  (
    | { actorType: 'STAFF'; actorId: string; actorRole: 'SUPERADMIN' | 'SUPPORT' | 'COMPLIANCE' | 'ENGINEER' }
    | { actorType: 'USER'; actorId: string; actorRole: 'OWNER' | 'MEMBER' }
    | { actorType: 'SYSTEM'; actorId: string; actorRole: 'SYSTEM' }
  );

/** The actor and request fields of an event, taken from a service context. */
export function actorFields(ctx: ServiceContext): ActorFields {
  const base: RequestFields = { ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null, correlationId: ctx.correlationId };
  const a = ctx.actor;
  if (a.type === 'SYSTEM') return { ...base, actorType: 'SYSTEM', actorId: a.id, actorRole: 'SYSTEM' };
  if (a.type === 'USER') return { ...base, actorType: 'USER', actorId: a.id, actorRole: a.role };
  return { ...base, actorType: 'STAFF', actorId: a.id, actorRole: a.role };
}
