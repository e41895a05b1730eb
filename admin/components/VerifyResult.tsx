/// <reference lib="dom" />
import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

/** What the verify action returns (src/modules/audit/audit.verify.ts). */
export interface Verification {
  status: 'intact' | 'broken';
  chains: number;
  events: number;
  checkpoints: number;
  durationMs: number;
  breaks: Array<{ chainKey: string; seq: string; eventId: string | null; reason: string }>;
}

export const isVerification = (value: unknown): value is Verification =>
  !!value && typeof value === 'object' && 'status' in value && 'breaks' in value && Array.isArray((value as Verification).breaks);

/** A verification as a status card: intact, or broken with its first broken link (linked to the event). */
export default function VerifyResult({ result }: { result: Verification }) {
  const { translateComponent, i18n } = useTranslation();
  const t = (key: string, options?: Record<string, unknown>) => translateComponent(`VerifyResult.${key}`, options);
  const n = (value: number) => new Intl.NumberFormat(i18n.language).format(value);
  const root =
    (window as unknown as { REDUX_STATE?: { paths?: { rootPath?: string } } }).REDUX_STATE?.paths?.rootPath ?? '/admin';
  const broken = result.status === 'broken';
  const first = result.breaks[0];
  return (
    <Box
      mt="xl"
      p="xl"
      className={`bo-status-card ${broken ? 'danger' : 'success'}`}
      data-testid="verify-result"
      data-status={result.status}
    >
      <H4>{t(broken ? 'broken' : 'intact')}</H4>
      <Text>{t('counts', { chains: n(result.chains), events: n(result.events), checkpoints: n(result.checkpoints) })}</Text>
      {first ? (
        <Box mt="lg">
          <Text fontWeight="bold">{t('firstBreak')}</Text>
          <Text>
            {t('breakAt', { seq: first.seq, reason: t(`reasons.${first.reason}`, { defaultValue: first.reason }) })}{' '}
            {first.eventId ? (
              <a href={`${root}/resources/AuditEvent/records/${encodeURIComponent(first.eventId)}/show`}>{t('openEvent')}</a>
            ) : null}
          </Text>
          {result.breaks.length > 1 ? <Text mt="sm">{t('otherBreaks', { count: result.breaks.length - 1 })}</Text> : null}
        </Box>
      ) : null}
    </Box>
  );
}
