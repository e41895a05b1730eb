/// <reference lib="dom" />
import React, { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { Box, H4, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { ApiClient, useTranslation } from 'adminjs';
import type { MovementView } from '../../src/modules/customer-view/customer-view.service.js';

const api = new ApiClient();

/** A money movement as the customer-view service returns it (already formatted in the staff member's locale). */
export type Movement = MovementView;

/** Loads a record's overview through its hidden, scoped `overview` action (null while loading). */
export function useOverview<T>(resourceId: string, recordId: string | undefined): { data: T | null; failed: boolean } {
  const [data, setData] = useState<T | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!recordId) return;
    let live = true;
    setData(null);
    setFailed(false);
    api
      .recordAction({ resourceId, recordId, actionName: 'overview' })
      .then((response) => live && setData((response.data as unknown as { overview: T }).overview))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [resourceId, recordId]);
  return { data, failed };
}

/** Translations of the customer view (components.CustomerView.*), dates and fixed values per locale. */
export function useCustomerViewText() {
  const { translateComponent, tl, i18n } = useTranslation();
  const locale = i18n.language === 'es' ? 'es' : 'en';
  const t = (key: string, options?: Record<string, unknown>) => translateComponent(`CustomerView.${key}`, options);
  const value = (resourceId: string, path: string, v: string) =>
    tl(`${path}.${v}`, resourceId, { defaultValue: translateComponent(`Enum.${v}`, { defaultValue: v }) });
  const date = (iso: string | null) =>
    iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';
  const day = (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
  return { t, value, date, day, locale };
}

const link = (resourceId: string, id: string) => `/admin/resources/${resourceId}/records/${id}/show`;

/** A link to a record's show page, by its name. */
export function RecordLink({ resourceId, id, children }: { resourceId: string; id: string; children: React.ReactNode }) {
  return (
    <RouterLink className="bo-record-link" to={link(resourceId, id)}>
      {children}
    </RouterLink>
  );
}

/** One titled part of a customer page, with a text when it has nothing to show. */
export function Section({
  id,
  title,
  empty,
  emptyText,
  children,
}: {
  id: string;
  title: string;
  empty: boolean;
  emptyText: string;
  children: React.ReactNode;
}) {
  return (
    <Box as="section" mt="xl" aria-labelledby={id} data-testid={id}>
      <H4 id={id}>{title}</H4>
      {empty ? <Text>{emptyText}</Text> : children}
    </Box>
  );
}

const amountCell: React.CSSProperties = { textAlign: 'right', whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' };

/** Transactions as a table: date, account, category, description, signed amount (right-aligned). */
export function MovementsTable({
  caption,
  rows,
  showAccount = true,
}: {
  caption: string;
  rows: Movement[];
  showAccount?: boolean;
}) {
  const { t, value, date } = useCustomerViewText();
  return (
    <Table>
      <caption className="bo-sr-only">{caption}</caption>
      <TableHead>
        <TableRow>
          <TableCell as="th" scope="col">
            {t('columns.occurredAt')}
          </TableCell>
          {showAccount ? (
            <TableCell as="th" scope="col">
              {t('columns.account')}
            </TableCell>
          ) : null}
          <TableCell as="th" scope="col">
            {t('columns.category')}
          </TableCell>
          <TableCell as="th" scope="col">
            {t('columns.description')}
          </TableCell>
          <TableCell as="th" scope="col">
            {t('columns.kind')}
          </TableCell>
          <TableCell as="th" scope="col" style={amountCell}>
            {t('columns.amount')}
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((m) => (
          <TableRow key={m.id}>
            <TableCell>
              <RecordLink resourceId="Transaction" id={m.id}>
                {date(m.occurredAt)}
              </RecordLink>
            </TableCell>
            {showAccount ? (
              <TableCell>
                {m.account ? (
                  <RecordLink resourceId="Account" id={m.account.id}>
                    {m.account.name}
                  </RecordLink>
                ) : (
                  '—'
                )}
              </TableCell>
            ) : null}
            <TableCell>{m.category?.name ?? '—'}</TableCell>
            <TableCell>{m.description ?? '—'}</TableCell>
            <TableCell>{value('Transaction', 'kind', m.kind)}</TableCell>
            <TableCell style={amountCell} data-direction={m.direction}>
              {m.amount}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Loading and failure texts of a customer page part. */
export function OverviewState({ failed }: { failed: boolean }) {
  const { t } = useCustomerViewText();
  return (
    <Text mt="xl" role="status" aria-live="polite">
      {failed ? t('loadFailed') : t('loading')}
    </Text>
  );
}

export const cellRight = amountCell;
