import type { PrismaClient } from '@prisma/client';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../../lib/logger.js';

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
  prisma: Pick<PrismaClient, 'mailMessage'>;
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
  const { prisma, config } = deps;
  const transport: Transporter | undefined =
    deps.transport ?? (config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : undefined);

  async function record(mail: OutgoingMail, text: string): Promise<boolean> {
    const { count } = await prisma.mailMessage.createMany({
      data: [{ dedupeKey: mail.dedupeKey, to: mail.to, subject: mail.subject, text }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  return {
    mode: transport ? 'smtp' : 'mailbox',
    async send(mail) {
      if (!transport) return (await record(mail, mail.text)) ? 'sent' : 'duplicate';
      const already = await prisma.mailMessage.findUnique({ where: { dedupeKey: mail.dedupeKey }, select: { id: true } });
      if (already) return 'duplicate';
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
