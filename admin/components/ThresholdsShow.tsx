/// <reference lib="dom" />
import React from 'react';
import { Box, Label, Text } from '@adminjs/design-system';
import { flat, useTranslation, type ShowPropertyProps } from 'adminjs';

/**
 * An approval policy's thresholds on its page: a table of currency and amount (money in the
 * staff member's locale; `*` for any other currency). AdminJS shows a JSON column without
 * sub-properties as nothing at all.
 */
export default function ThresholdsShow({ property, record, resource }: ShowPropertyProps) {
  const { translateProperty, translateLabel, i18n } = useTranslation();
  const value = flat.get(record.params ?? {}, property.path) as Record<string, unknown> | null | undefined;
  const entries = value && typeof value === 'object' ? Object.entries(value) : [];
  const money = (currency: string, amount: unknown) => {
    const n = Number(amount);
    if (/^[A-Z]{3}$/.test(currency) && Number.isFinite(n))
      try {
        return new Intl.NumberFormat(i18n.language, { style: 'currency', currency }).format(n);
      } catch {
        /* an unknown code: shown as stored */
      }
    return String(amount);
  };
  return (
    <Box mb="xl" data-testid="thresholds-show">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      {entries.length === 0 ? (
        <Text>—</Text>
      ) : (
        <table className="bo-diff">
          <thead>
            <tr>
              <th scope="col">{translateLabel('thresholdCurrency', resource.id, { defaultValue: 'Currency' })}</th>
              <th scope="col">{translateLabel('thresholdFrom', resource.id, { defaultValue: 'Waits above' })}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([currency, amount]) => (
              <tr key={currency}>
                <th scope="row">
                  {currency === '*' ? translateLabel('thresholdOther', resource.id, { defaultValue: 'Any other' }) : currency}
                </th>
                <td>{currency === '*' ? String(amount) : money(currency, amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Box>
  );
}
