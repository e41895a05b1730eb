/// <reference lib="dom" />
import React, { useState } from 'react';
import { Box, Button, FormGroup, FormMessage, Input, Label } from '@adminjs/design-system';
import { flat, useTranslation, type EditPropertyProps } from 'adminjs';

type Row = { currency: string; amount: string };

/** The rows of a `{ currency: amount }` object, in the order they are stored. */
const rowsOf = (value: unknown): Row[] =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value as Record<string, unknown>).map(([currency, amount]) => ({
        currency,
        amount: typeof amount === 'string' || typeof amount === 'number' ? String(amount) : '',
      }))
    : [];

/**
 * An approval policy's thresholds — the amount per currency (`*` for any other) from which an
 * adjustment waits for a second person — as one named currency and amount field per row, with
 * add and remove buttons. AdminJS shows a JSON column ("mixed", without sub-properties) as an
 * empty section, so without this the thresholds could not be changed in the admin at all. The
 * service validates the object (known currencies, amounts) and answers field errors by currency.
 */
export default function ThresholdsEdit({ property, record, onChange, resource }: EditPropertyProps) {
  const { translateProperty, translateLabel, translateMessage } = useTranslation();
  const path = property.path;
  const [rows, setRows] = useState<Row[]>(() => rowsOf(flat.get(record.params ?? {}, path)));
  const label = (key: string, fallback: string, options: Record<string, unknown> = {}) =>
    translateLabel(key, resource.id, { defaultValue: fallback, ...options });
  const emit = (next: Row[]) => {
    setRows(next);
    const value: Record<string, string> = {};
    for (const r of next) {
      const code = r.currency.trim().toUpperCase();
      if (code) value[code] = r.amount.trim();
    }
    onChange(path, value);
  };
  const errors = Object.entries(record.errors ?? {}).filter(([key]) => key === path || key.startsWith(`${path}.`));
  const legend = translateProperty(path, resource.id);
  return (
    <FormGroup error={errors.length > 0}>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }} data-testid="thresholds-edit">
        <legend>
          <Label as="span">{legend}</Label>
        </legend>
        <p style={{ margin: '0 0 8px', fontSize: 13 }}>
          {label('thresholdHint', 'Above this amount an adjustment waits for approval; * stands for any other currency.')}
        </p>
        {rows.length === 0 ? (
          <p style={{ margin: '0 0 8px' }}>{label('thresholdNone', 'No threshold: every adjustment applies at once.')}</p>
        ) : null}
        {rows.map((row, i) => {
          const currencyId = `${path}-${i}-currency`;
          const amountId = `${path}-${i}-amount`;
          const name = row.currency.trim().toUpperCase() || String(i + 1);
          return (
            <Box key={i} flex alignItems="flex-end" mb="sm" style={{ gap: 12 }}>
              <Box>
                <Label htmlFor={currencyId}>{label('thresholdCurrency', 'Currency')}</Label>
                <Input
                  id={currencyId}
                  value={row.currency}
                  maxLength={3}
                  style={{ width: 90 }}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
                    emit(rows.map((r, j) => (j === i ? { ...r, currency: e.target.value } : r)))
                  }
                />
              </Box>
              <Box>
                <Label htmlFor={amountId}>{label('thresholdAmount', 'Amount in {{currency}}', { currency: name })}</Label>
                <Input
                  id={amountId}
                  value={row.amount}
                  inputMode="decimal"
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) =>
                    emit(rows.map((r, j) => (j === i ? { ...r, amount: e.target.value } : r)))
                  }
                />
              </Box>
              <Button type="button" variant="outlined" size="sm" onClick={() => emit(rows.filter((_, j) => j !== i))}>
                {label('thresholdRemove', 'Remove {{currency}}', { currency: name })}
              </Button>
            </Box>
          );
        })}
        <Button type="button" variant="outlined" size="sm" onClick={() => emit([...rows, { currency: '', amount: '' }])}>
          {label('thresholdAdd', 'Add a currency')}
        </Button>
      </fieldset>
      <FormMessage>
        {errors.map(([key, e]) => (
          <span key={key} style={{ display: 'block' }}>
            {key === path ? '' : `${key.slice(path.length + 1)}: `}
            {translateMessage(e.message, resource.id)}
          </span>
        ))}
      </FormMessage>
    </FormGroup>
  );
}
