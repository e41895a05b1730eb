import type { OutboxEvent } from '@prisma/client';
import { z } from 'zod';
import type { Database, ReadSession } from '../../db/session.js';
import { translate } from '../../lib/i18n.js';
import { buildSystemContext } from '../access/context.factory.js';
import type { Mailer } from '../mail/mail.service.js';
import { createPasswordResetToken } from '../mail/password-reset-token.js';
import type { OutboxConsumer } from './outbox.dispatcher.js';
import type { recipientRepository } from './recipient.repository.js';

/** The one read of tenants the consumers make (tenantRepository has it). */
export interface TenantReader {
  findVisible(s: ReadSession, id: string): Promise<{ id: string; name: string } | null>;
}

export interface ConsumerDeps {
  db: Database;
  /** The tenant an event concerns (tenantRepository): consumers re-read it when they run. */
  tenants: TenantReader;
  recipients: typeof recipientRepository;
  mailer: Mailer;
  /** Signs password-reset links. */
  resetSecret: string;
  /** Base URL of the app for links (config.PUBLIC_URL or the local address). */
  publicUrl: string;
}

const TenantSuspended = z.object({ tenantId: z.uuid() });
const PasswordResetRequested = z.object({ userId: z.uuid(), tenantId: z.uuid() });
const ApprovalReminder = z.object({
  requestId: z.uuid(),
  action: z.string(),
  expiresAt: z.string(),
  approverIds: z.array(z.uuid()).max(200),
});

/** The event's tenant must be the payload's: a consumer never acts on another tenant than the event's. */
function requireSameTenant(event: OutboxEvent, tenantId: string): void {
  if (event.tenantId && event.tenantId !== tenantId) throw new Error('outbox event tenant does not match its payload');
}

const letter = (locale: string, name: string, body: string) =>
  `${translate(locale, 'jobs:mail.greeting', { name })}\n\n${body}\n\n${translate(locale, 'jobs:mail.signature')}\n`;

/**
 * The consumers of the outbox, by event type. Each re-reads the current state (the tenant, the
 * user) when it runs, acts only within the event's tenant, skips people who have closed their
 * account, and sends mail keyed by the event id, so a redelivery sends nothing.
 */
export function createOutboxConsumers(deps: ConsumerDeps): Record<string, OutboxConsumer> {
  const { db, tenants, recipients, mailer } = deps;
  /** A consumer acts as the system, named after the event type, correlated by the event id. */
  const contextOf = (event: OutboxEvent) => buildSystemContext(`outbox:${event.type}`, { correlationId: `outbox-${event.id}` });

  return {
    /** A suspended tenant's owner is told (written by services.tenants.suspend). */
    'tenant.suspended': async (event) => {
      const { tenantId } = TenantSuspended.parse(event.payload);
      requireSameTenant(event, tenantId);
      const found = await db.read(contextOf(event), async (s) => {
        const tenant = await tenants.findVisible(s, tenantId);
        return tenant && { tenant, owner: await recipients.findNotifiableOwner(s, tenantId) };
      });
      if (!found?.owner) return;
      const { tenant, owner } = found;
      await mailer.send({
        dedupeKey: event.id,
        to: owner.email,
        subject: translate(owner.locale, 'jobs:mail.tenantSuspended.subject', { tenant: tenant.name }),
        text: letter(
          owner.locale,
          owner.name,
          translate(owner.locale, 'jobs:mail.tenantSuspended.text', { tenant: tenant.name }),
        ),
      });
    },

    /** A reset link for the user (written by services.users.requestPasswordReset). */
    'user.password_reset_requested': async (event) => {
      const { userId, tenantId } = PasswordResetRequested.parse(event.payload);
      requireSameTenant(event, tenantId);
      const user = await db.read(contextOf(event), (s) => recipients.findResetRecipient(s, userId, tenantId));
      if (!user || user.erasedAt || user.status === 'CLOSED' || user.status === 'DISABLED' || !user.passwordResetSentAt) return;
      const token = createPasswordResetToken(deps.resetSecret, user.id, user.passwordResetSentAt);
      const link = `${deps.publicUrl.replace(/\/$/, '')}/reset-password?token=${encodeURIComponent(token)}`;
      const body = (l: string) =>
        letter(user.locale, user.name, translate(user.locale, 'jobs:mail.passwordReset.text', { link: l }));
      await mailer.send({
        dedupeKey: event.id,
        to: user.email,
        subject: translate(user.locale, 'jobs:mail.passwordReset.subject'),
        text: body(link),
        ledgerText: body(translate(user.locale, 'jobs:mail.passwordReset.linkOmitted')),
      });
    },

    /** Four-eyes: the approvers of a pending request hear about it (written by services.approvals.sweep). */
    'approval.reminder': async (event) => {
      const reminder = ApprovalReminder.parse(event.payload);
      const staff = await db.read(contextOf(event), (s) => recipients.listActiveStaff(s, reminder.approverIds));
      const link = `${deps.publicUrl.replace(/\/$/, '')}/admin/resources/ApprovalRequest/records/${reminder.requestId}/show`;
      for (const member of staff)
        await mailer.send({
          dedupeKey: `${event.id}:${member.id}`,
          to: member.email,
          subject: translate(member.locale, 'jobs:mail.approvalReminder.subject', { action: reminder.action }),
          text: letter(
            member.locale,
            member.name,
            translate(member.locale, 'jobs:mail.approvalReminder.text', {
              action: reminder.action,
              expiresAt: reminder.expiresAt,
              link,
            }),
          ),
        });
    },
  };
}
