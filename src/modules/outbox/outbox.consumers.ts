import type { OutboxEvent } from '@prisma/client';
import { z } from 'zod';
import type { Database, ReadSession } from '../../db/session.js';
import { translate } from '../../lib/i18n.js';
import { buildSystemContext } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import type { Mailer } from '../mail/mail.service.js';
import { createAccountToken } from '../mail/account-token.js';
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
  /** Signs the links of account mail (ACCOUNT_TOKEN_SECRET; never the JWT key). */
  accountTokenKey: string;
  /** Base of the links in account mail (ACCOUNT_LINK_BASE_URL, else PUBLIC_URL, else the local address). */
  linkBase: string;
  /** Base URL of the back office itself (PUBLIC_URL or the local address): links to admin pages. */
  publicUrl: string;
}

const TenantSuspended = z.object({ tenantId: z.uuid() });
const PasswordResetRequested = z.object({ userId: z.uuid(), tenantId: z.uuid(), requestedBy: z.string().optional() });
const AboutUser = z.object({ userId: z.uuid(), tenantId: z.uuid() });
const MarketingMessage = z.object({ userId: z.uuid(), tenantId: z.uuid(), campaign: z.enum(['product_news']) });

/** An address shown in a notice, half hidden: "an***@example.com". */
export function maskAddress(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, Math.min(2, at))}***${email.slice(at)}`;
}
const ApprovalNotice = z.object({
  requestId: z.uuid(),
  action: z.string(),
  expiresAt: z.string(),
  /** Absent in reminders written before the roles were carried: then the ids alone decide. */
  approverRoles: z
    .array(z.enum(['SUPERADMIN', 'SUPPORT', 'COMPLIANCE', 'ENGINEER']))
    .max(4)
    .optional(),
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
  const contextOf = (event: OutboxEvent) =>
    buildSystemContext(`outbox:${event.type}`, ALL_TENANTS, { correlationId: `outbox-${event.id}` });
  const linkTo = (page: 'reset-password' | 'verify-email', token: string, locale: string) =>
    `${deps.linkBase.replace(/\/$/, '')}/${page}?token=${encodeURIComponent(token)}&lang=${locale === 'es' ? 'es' : 'en'}`;

  /**
   * One mail per approver who may still decide (re-read now: active, an approver role, a support
   * agent still granted the request's tenant), in the staff member's own language — staff are not
   * of a tenant, so never the tenant's — keyed by event and person, so a redelivery sends nothing.
   */
  async function approvalNotice(event: OutboxEvent, template: 'approvalRequested' | 'approvalReminder'): Promise<void> {
    const notice = ApprovalNotice.parse(event.payload);
    const staff = await db.read(contextOf(event), (s) =>
      notice.approverRoles
        ? recipients.listCurrentApprovers(s, notice.approverIds, { roles: notice.approverRoles, tenantId: event.tenantId })
        : recipients.listActiveStaff(s, notice.approverIds),
    );
    const link = `${deps.publicUrl.replace(/\/$/, '')}/admin/resources/ApprovalRequest/records/${notice.requestId}/show`;
    for (const member of staff)
      await mailer.send({
        dedupeKey: `${event.id}:${member.id}`,
        to: member.email,
        subject: translate(member.locale, `jobs:mail.${template}.subject`, { action: notice.action }),
        text: letter(
          member.locale,
          member.name,
          translate(member.locale, `jobs:mail.${template}.text`, { action: notice.action, expiresAt: notice.expiresAt, link }),
        ),
      });
  }

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
      const { userId, tenantId, requestedBy } = PasswordResetRequested.parse(event.payload);
      requireSameTenant(event, tenantId);
      const user = await db.read(contextOf(event), (s) => recipients.findResetRecipient(s, userId, tenantId));
      if (!user || user.erasedAt || user.status === 'CLOSED' || user.status === 'DISABLED' || !user.passwordResetSentAt) return;
      const token = createAccountToken(deps.accountTokenKey, 'password-reset', {
        userId: user.id,
        requestedAt: user.passwordResetSentAt,
      });
      const link = linkTo('reset-password', token, user.locale);
      const body = (l: string) =>
        letter(
          user.locale,
          user.name,
          translate(user.locale, requestedBy === 'STAFF' ? 'jobs:mail.passwordReset.text' : 'jobs:mail.passwordReset.selfText', {
            link: l,
          }),
        );
      await mailer.send({
        dedupeKey: event.id,
        to: user.email,
        subject: translate(user.locale, 'jobs:mail.passwordReset.subject'),
        text: body(link),
        ledgerText: body(translate(user.locale, 'jobs:mail.passwordReset.linkOmitted')),
      });
    },

    /**
     * A verification link to the address to prove: the pending new one (an email change) or the
     * current one (registration). Skipped when the request was superseded or already completed.
     */
    'user.email_verification_requested': async (event) => {
      const { userId, tenantId } = AboutUser.parse(event.payload);
      requireSameTenant(event, tenantId);
      const user = await db.read(contextOf(event), (s) => recipients.findAddressRecipient(s, userId, tenantId));
      if (!user || user.erasedAt || user.status === 'CLOSED' || user.status === 'DISABLED' || !user.emailVerificationSentAt)
        return;
      const target = user.pendingEmail ?? (user.emailVerifiedAt ? null : user.email);
      if (!target) return;
      const token = createAccountToken(deps.accountTokenKey, 'email-verify', {
        userId: user.id,
        requestedAt: user.emailVerificationSentAt,
        target,
      });
      const body = (l: string) =>
        letter(
          user.locale,
          user.name,
          translate(user.locale, user.pendingEmail ? 'jobs:mail.verifyEmail.changeText' : 'jobs:mail.verifyEmail.text', {
            link: l,
          }),
        );
      await mailer.send({
        dedupeKey: event.id,
        to: target,
        subject: translate(user.locale, 'jobs:mail.verifyEmail.subject'),
        text: body(linkTo('verify-email', token, user.locale)),
        ledgerText: body(translate(user.locale, 'jobs:mail.passwordReset.linkOmitted')),
      });
    },

    /** The current (old) address is told that a change to another address was asked for. */
    'user.email_change_notice': async (event) => {
      const { userId, tenantId } = AboutUser.parse(event.payload);
      requireSameTenant(event, tenantId);
      const user = await db.read(contextOf(event), (s) => recipients.findAddressRecipient(s, userId, tenantId));
      if (!user || user.erasedAt || user.status === 'CLOSED' || !user.pendingEmail) return;
      await mailer.send({
        dedupeKey: event.id,
        to: user.email,
        subject: translate(user.locale, 'jobs:mail.emailChangeNotice.subject'),
        text: letter(
          user.locale,
          user.name,
          translate(user.locale, 'jobs:mail.emailChangeNotice.text', { address: maskAddress(user.pendingEmail) }),
        ),
      });
    },

    /** Marketing mail: only to a user who consents at the moment of delivery (the query says so). */
    'user.marketing_message': async (event) => {
      const { userId, tenantId, campaign } = MarketingMessage.parse(event.payload);
      requireSameTenant(event, tenantId);
      const user = await db.read(contextOf(event), (s) => recipients.findMarketingRecipient(s, userId, tenantId));
      if (!user) return;
      await mailer.send({
        dedupeKey: event.id,
        to: user.email,
        subject: translate(user.locale, `jobs:mail.marketing.${campaign}.subject`),
        text: letter(
          user.locale,
          user.name,
          `${translate(user.locale, `jobs:mail.marketing.${campaign}.text`)}\n\n${translate(user.locale, 'jobs:mail.marketing.unsubscribe')}`,
        ),
      });
    },

    /** Four-eyes: a new request's approvers hear about it (written by services.approvals when it is held). */
    'approval.requested': (event) => approvalNotice(event, 'approvalRequested'),

    /** Four-eyes: the approvers of a pending request half-way through its life (services.approvals.sweep). */
    'approval.reminder': (event) => approvalNotice(event, 'approvalReminder'),
  };
}
