/// <reference lib="dom" />
import React from 'react';
import { Box, Label, Text } from '@adminjs/design-system';
import { flat, useTranslation, type ShowPropertyProps } from 'adminjs';
import RecordRef from '../overrides/RecordRef.js';
import { UUID } from '../overrides/titles.js';

type Change = { from?: unknown; to?: unknown };

const MONEY_FIELDS = new Set(['amount', 'originalAmount', 'value', 'principal', 'paymentAmount', 'limit']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** A reference field's resource: `tenantId` → Tenant, `adjustsTransactionId` → Transaction. */
const REFERENCES: Record<string, string> = {
  tenantId: 'Tenant',
  userId: 'User',
  accountId: 'Account',
  categoryId: 'Category',
  transactionId: 'Transaction',
  adjustsTransactionId: 'Transaction',
  recurringRuleId: 'RecurringRule',
  liabilityId: 'Liability',
  staffUserId: 'StaffUser',
  grantedById: 'StaffUser',
  revokedById: 'StaffUser',
};

/**
 * An audit event's change as a readable table: each field by its translated name, before → after,
 * money with its currency in the staff member's locale, dates as dates, codes by their labels,
 * references by the referenced record's name. Personal data arrives redacted.
 */
const DiffView: React.FC<ShowPropertyProps> = ({ property, record, resource }) => {
  const { translateProperty, translateLabel, translateMessage, i18n } = useTranslation();
  const audited = String(record.params.resource ?? resource.id);
  const diff = flat.get(record.params, property.path) as Record<string, Change | unknown> | null | undefined;
  const entries = diff && typeof diff === 'object' ? Object.entries(diff) : [];
  const pairOf = (change: unknown): Change =>
    change && typeof change === 'object' && ('from' in change || 'to' in change) ? change : { to: change };
  const currencyChange = entries.find(([f]) => f === 'currency');
  const currency = (currencyChange ? (pairOf(currencyChange[1]).to ?? pairOf(currencyChange[1]).from) : undefined) as
    string | undefined;
  const lng = i18n.language;

  const show = (field: string, value: unknown): React.ReactNode => {
    if (value === null || value === undefined || value === '') return '—';
    if (typeof value === 'boolean') return translateMessage(value ? 'yes' : 'no', resource.id);
    if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
      const n = Number(value);
      if (MONEY_FIELDS.has(field) && currency && /^[A-Z]{3}$/.test(currency))
        return new Intl.NumberFormat(lng, { style: 'currency', currency }).format(n);
      return new Intl.NumberFormat(lng, { maximumFractionDigits: 20 }).format(n);
    }
    if (typeof value === 'string') {
      if (REFERENCES[field] && UUID.test(value)) return <RecordRef resourceId={REFERENCES[field]} recordId={value} />;
      if (ISO_DATE.test(value)) {
        const date = new Date(value);
        if (!Number.isNaN(date.getTime()))
          return new Intl.DateTimeFormat(
            lng,
            value.length > 10 ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' },
          ).format(date);
      }
      if (/^[A-Z][A-Z_]+$/.test(value)) return translateLabel(`${field}.${value}`, audited, { defaultValue: value });
      return value;
    }
    if (Array.isArray(value))
      return value.map((v, i) => (
        <span key={i}>
          {i ? ', ' : ''}
          {show(field, v)}
        </span>
      ));
    return JSON.stringify(value);
  };

  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      {entries.length === 0 ? (
        <Text>—</Text>
      ) : (
        <table className="bo-diff">
          <thead>
            <tr>
              <th scope="col">{translateLabel('diffField', resource.id, { defaultValue: 'Field' })}</th>
              <th scope="col">{translateLabel('diffBefore', resource.id, { defaultValue: 'Before' })}</th>
              <th scope="col" aria-hidden="true" />
              <th scope="col">{translateLabel('diffAfter', resource.id, { defaultValue: 'After' })}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([field, change]) => {
              const pair = pairOf(change);
              return (
                <tr key={field}>
                  <th scope="row">{translateProperty(field, audited)}</th>
                  <td className="before">{'from' in pair ? show(field, pair.from) : '—'}</td>
                  <td aria-hidden="true">→</td>
                  <td className="after">{show(field, pair.to)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Box>
  );
};

export default DiffView;
