import type { MailMessage } from '@prisma/client';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Database } from '../../db/session.js';
import type { ServiceContext } from '../../lib/context.js';
import { conflict } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { buildSystemContext } from '../access/context.factory.js';
import { ALL_TENANTS } from '../access/actor.js';
import { actorFields } from '../audit/audit.service.js';
import type { CoreDeps } from '../shared/deps.js';
import { deny, requireAbility } from '../shared/guard.js';
import type { mailRepository } from './mail.repository.js';
import { RemoveMailMessagesInput } from './mail.schemas.js';

export interface OutgoingMail {
  /** Makes sending idempotent: a second send with the same key sends nothing (e.g. the outbox event id). */
  dedupeKey: string;
  to: string;
  subject: string;
  text: string;
  /** What the SMTP ledger keeps instead of `text` (e.g. without a one-time link). */
  ledgerText?: string;
}

export type MailResult = 'sent' | 'duplicate';

export interface Mailer {
  /** Sends once per dedupeKey, however many times it is called. */
  send(mail: OutgoingMail): Promise<MailResult>;
  readonly mode: 'smtp' | 'mailbox';
  close(): void;
}

export interface MailerDeps {
  db: Database;
  mail: typeof mailRepository;
  config: { SMTP_URL?: string | undefined; MAIL_FROM: string };
  logger?: Logger;
  /** A nodemailer transport to use instead of one built from SMTP_URL (tests). */
  transport?: Transporter;
}

/**
 * Mail, sent at most once per dedupe key.
 *
 * Without SMTP_URL (development, tests) the MailMessage table IS the mailbox: delivering is
 * inserting the row, and its unique dedupeKey makes a redelivery a no-op, so the effect is
 * exactly once. With SMTP_URL the table is the ledger of sent mail: a key already recorded is
 * not sent again; the mail carries a Message-ID derived from the key, so the rare duplicate of
 * a crash between SMTP's acceptance and the ledger insert is recognisable downstream.
 */
export function createMailer(deps: MailerDeps): Mailer {
  const { db, config } = deps;
  const transport: Transporter | undefined =
    deps.transport ?? (config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined);
  // Delivering mail is the system's work, whoever caused it (an outbox consumer, usually).
  const ctx = buildSystemContext('mail:deliver', ALL_TENANTS, { correlationId: 'mail-deliver' });

  const record = (mail: OutgoingMail, text: string): Promise<boolean> =>
    db.write(ctx, (s) => deps.mail.recordOnce(s, { dedupeKey: mail.dedupeKey, to: mail.to, subject: mail.subject, text }));

  return {
    mode: transport ? 'smtp' : 'mailbox',
    async send(mail) {
      if (!transport) return (await record(mail, mail.text)) ? 'sent' : 'duplicate';
      if (await db.read(ctx, (s) => deps.mail.isRecorded(s, mail.dedupeKey))) return 'duplicate';
      await transport.sendMail({
        from: config.MAIL_FROM,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${mail.dedupeKey.replace(/[^A-Za-z0-9.-]/g, '-')}@backoffice.local>`,
      });
      await record(mail, mail.ledgerText ?? mail.text);
      deps.logger?.info({ dedupeKey: mail.dedupeKey }, 'mail sent over SMTP');
      return 'sent';
    },
    close() {
      transport?.close();
    },
  };
}

export type MailService = ReturnType<typeof createMailService>;

/**
 * The admin's side of mail: clearing messages of the development mailbox. With SMTP the table is
 * the ledger that keeps a redelivered event from mailing twice, and is not cleared.
 */
export function createMailService(
  deps: Pick<CoreDeps, 'db' | 'audit'> & { mail: typeof mailRepository; config: MailerDeps['config'] },
) {
  const { db, audit, mail, config } = deps;
  const mode: Mailer['mode'] = config.SMTP_URL ? 'smtp' : 'mailbox';

  /**
   * Deletes messages of the development mailbox, all or nothing: when any id is not one the
   * actor may delete, nothing is deleted and the call answers not-found (audited as DENIED).
   * One audit event `mail_message.delete` lists the ids (never the addresses or text).
   */
  async function removeMessages(ctx: ServiceContext, rawIds: RemoveMailMessagesInput): Promise<MailMessage[]> {
    const ids = [...new Set(RemoveMailMessagesInput.parse(rawIds))];
    const action = 'mail_message.delete';
    const recordId = ids.length === 1 ? ids[0]! : null;
    await requireAbility(deps, ctx, 'delete', 'MailMessage', { action, recordId });
    if (mode === 'smtp') throw conflict('MAIL.LEDGER_KEPT', 'the SMTP ledger of sent mail is not cleared');
    const removed = await db.write(ctx, async (s) => {
      const before = await mail.lockDeletable(s, ids);
      if (before.length !== ids.length) return null;
      await mail.deleteVisible(s, ids);
      await audit.record(s, {
        ...actorFields(ctx),
        action,
        resource: 'MailMessage',
        recordId,
        diff: { deleted: { from: before.map((m) => m.id), to: null }, count: { from: before.length, to: 0 } },
      });
      return before;
    });
    if (!removed) throw await deny(deps, ctx, { action, resource: 'MailMessage', recordId });
    return removed;
  }

  /** The mailer of this process over the database (SMTP when configured, else the mailbox). */
  const mailer = (options: Pick<MailerDeps, 'logger' | 'transport'> = {}): Mailer =>
    createMailer({ db, mail, config, ...options });

  return { removeMessages, mode, createMailer: mailer };
}
