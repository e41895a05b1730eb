import type { ServiceContext } from '../../lib/context.js';
import { AppError } from '../../lib/errors.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import { isMaskedFor, maskRows, personalFieldsOf, REVEAL_MINUTES } from './reveal.mask.js';
import type { revealRepository } from './reveal.repository.js';
import { RevealInput } from './reveal.schemas.js';

export type RevealService = ReturnType<typeof createRevealService>;

export interface RevealResult {
  id: string;
  resource: string;
  recordId: string;
  expiresAt: Date;
}

/**
 * Personal-data reveals: COMPLIANCE (and any role the ability lets `reveal`) states a reason to see
 * one record unmasked for 15 minutes. The reveal row and its audit event are one transaction.
 */
export function createRevealService(deps: Pick<CoreDeps, 'db' | 'audit'> & { reveals: typeof revealRepository }) {
  const { db, audit, reveals } = deps;

  /** Reveals one record's personal data to the acting staff member (reason required, audited). */
  async function reveal(ctx: ServiceContext, raw: RevealInput): Promise<RevealResult> {
    const input = RevealInput.parse(raw);
    const action = 'personal_data.reveal';
    const info = { action, recordId: input.recordId, reason: input.reason };
    await requireAbility(deps, ctx, 'reveal', input.resource, info);
    if (ctx.actor.type !== 'STAFF') throw new AppError({ code: 'AUTH.FORBIDDEN', kind: 'FORBIDDEN' });
    const result = await db.write(ctx, async (s) => {
      // Only a record the actor may read (and reveal) can be revealed: the ability is in the query.
      const target = await reveals.findRevealable(s, input.resource, input.recordId);
      if (!target) return null;
      const tenantId = target.tenantId;
      const createdAt = new Date();
      const expiresAt = new Date(createdAt.getTime() + REVEAL_MINUTES * 60_000);
      const row = await reveals.insertOwn(s, {
        tenantId,
        resource: input.resource,
        recordId: target.id,
        reason: input.reason,
        createdAt,
        expiresAt,
      });
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId,
        action,
        resource: input.resource,
        recordId: target.id,
        reason: input.reason,
        diff: {
          revealedFields: { from: null, to: personalFieldsOf(input.resource).join(',') },
          expiresAt: { from: null, to: expiresAt.toISOString() },
        },
      });
      return { id: row.id, resource: row.resource, recordId: row.recordId, expiresAt: row.expiresAt };
    });
    if (!result) throw await deny(deps, ctx, { ...info, resource: input.resource });
    return result;
  }

  /** Ids of `recordIds` the acting staff member has revealed and whose reveal is still running. */
  async function activeRevealIds(ctx: ServiceContext, resource: string, recordIds: string[]): Promise<Set<string>> {
    const ids = new Set(ctx.revealed ?? []);
    if (ctx.actor.type !== 'STAFF') return ids;
    for (const id of await db.read(ctx, (s) => reveals.activeOwnRecordIds(s, resource, recordIds))) ids.add(id);
    return ids;
  }

  /**
   * Masks personal data for the roles that see it masked (COMPLIANCE, ENGINEER), except records
   * this staff member revealed in the last 15 minutes. Other roles get the rows unchanged.
   */
  async function maskForActor<T extends { id: unknown }>(ctx: ServiceContext, resource: string, rows: T[]) {
    if (!isMaskedFor(ctx, resource) || !personalFieldsOf(resource).length || !rows.length) return rows;
    const revealed = await activeRevealIds(
      ctx,
      resource,
      rows.map((r) => String(r.id)),
    );
    return maskRows(resource, rows, revealed);
  }

  return { reveal, activeRevealIds, maskForActor };
}
