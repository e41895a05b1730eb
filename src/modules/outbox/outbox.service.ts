import type { OutboxEvent } from '@prisma/client';
import type { ServiceContext } from '../../lib/context.js';
import { conflict } from '../../lib/errors.js';
import { diffRecords } from '../audit/audit.redact.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, recordFailure, requireAbility } from '../shared/guard.js';
import { isUuid } from '../shared/ledger.guard.js';
import type { Logger } from '../../lib/logger.js';
import type { Mailer } from '../mail/mail.service.js';
import { createOutboxConsumers, type TenantReader } from './outbox.consumers.js';
import { createOutboxDispatcher, type OutboxConsumer, type OutboxDispatcherOptions } from './outbox.dispatcher.js';
import type { outboxRepository } from './outbox.repository.js';
import { RequeueOutboxEventInput } from './outbox.schemas.js';
import type { recipientRepository } from './recipient.repository.js';

export type OutboxService = ReturnType<typeof createOutboxService>;

export interface OutboxServiceDeps extends Pick<CoreDeps, 'db' | 'audit'> {
  outbox: typeof outboxRepository;
  tenants: TenantReader;
  recipients: typeof recipientRepository;
  /** Signs the links of account mail. */
  accountTokenKey: string;
  /** Base of the links in account mail. */
  linkBase: string;
  /** Base URL of the back office (admin links in staff mail). */
  publicUrl: string;
  /** Consumers other modules own (the lifecycle's), by event type. */
  consumers?: Record<string, OutboxConsumer>;
}

export interface DispatcherOptions extends Pick<OutboxDispatcherOptions, 'batchSize' | 'leaseSeconds' | 'maxAttempts'> {
  mailer: Mailer;
  logger?: Logger | undefined;
  /** Consumers by event type, added to (or replacing) the product's. */
  consumers?: Record<string, OutboxConsumer> | undefined;
}

/**
 * The outbox: what staff may do to events (requeue a failed one), and the dispatcher and
 * consumers that deliver them, wired over the database port.
 */
export function createOutboxService(deps: OutboxServiceDeps) {
  const { db, audit, outbox } = deps;

  /** The product's consumers, by event type, sending through `mailer`. */
  const consumers = (mailer: Mailer): Record<string, OutboxConsumer> => ({
    ...deps.consumers,
    ...createOutboxConsumers({
      db,
      tenants: deps.tenants,
      recipients: deps.recipients,
      mailer,
      accountTokenKey: deps.accountTokenKey,
      linkBase: deps.linkBase,
      publicUrl: deps.publicUrl,
    }),
  });

  /** A dispatcher of this process's outbox (start it, or run `dispatchOnce`). */
  const createDispatcher = (options: DispatcherOptions) =>
    createOutboxDispatcher({
      db,
      outbox,
      logger: options.logger,
      batchSize: options.batchSize,
      leaseSeconds: options.leaseSeconds,
      maxAttempts: options.maxAttempts,
      consumers: { ...consumers(options.mailer), ...options.consumers },
    });

  /**
   * Puts a FAILED event back in the queue (the admin's "requeue"): PENDING, due now, with a fresh
   * count of attempts, so the dispatcher delivers it again (consumers are idempotent). Only a
   * FAILED event can be requeued (409 OUTBOX.NOT_FAILED, audited FAILURE). Audited `outbox_event.requeue`.
   */
  async function requeue(ctx: ServiceContext, id: string, reason?: string): Promise<OutboxEvent> {
    const input = RequeueOutboxEventInput.parse({ reason });
    const action = 'outbox_event.requeue';
    const info = { action, recordId: id, reason: input.reason ?? null };
    await requireAbility(deps, ctx, 'update', 'OutboxEvent', info);
    const result = await db.write(ctx, async (s) => {
      const before = isUuid(id) ? await outbox.lockVisible(s, id, 'update') : null;
      if (!before) return null;
      if (before.status !== 'FAILED') return { notFailed: before };
      const after = (await outbox.updateVisible(s, before.id, { status: 'PENDING', attempts: 0, availableAt: new Date() }))!;
      await audit.record(s, {
        ...actorFields(ctx),
        tenantId: before.tenantId,
        action,
        resource: 'OutboxEvent',
        recordId: before.id,
        reason: input.reason ?? null,
        diff: diffRecords(before, after),
      });
      return after;
    });
    if (!result) throw await deny(deps, ctx, { ...info, resource: 'OutboxEvent', tenantId: null });
    if ('notFailed' in result)
      throw await recordFailure(
        deps,
        ctx,
        { ...info, resource: 'OutboxEvent', tenantId: result.notFailed.tenantId },
        conflict('OUTBOX.NOT_FAILED'),
      );
    return result;
  }

  return { requeue, consumers, createDispatcher };
}
