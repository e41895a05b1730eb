/// <reference lib="dom" />
import React from 'react';
import { Box, Label, Text } from '@adminjs/design-system';
import { flat, useTranslation, type ShowPropertyProps } from 'adminjs';

type Change = { from?: unknown; to?: unknown };

const show = (value: unknown): string =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'object'
      ? JSON.stringify(value)
      : `${value as string | number | boolean}`;

/** An audit event's change as a table of field, before and after (personal data arrives redacted). */
const DiffView: React.FC<ShowPropertyProps> = ({ property, record, resource }) => {
  const { translateProperty, translateLabel } = useTranslation();
  const diff = flat.get(record.params, property.path) as Record<string, Change | unknown> | null | undefined;
  const entries = diff && typeof diff === 'object' ? Object.entries(diff) : [];
  return (
    <Box mb="xl">
      <Label>{translateProperty(property.label, resource.id)}</Label>
      {entries.length === 0 ? (
        <Text>—</Text>
      ) : (
        <table style={{ borderCollapse: 'collapse', fontSize: 14 }}>
          <thead>
            <tr>
              <th scope="col" style={{ textAlign: 'left', padding: '4px 16px 4px 0' }}>
                {translateLabel('diffField', resource.id, { defaultValue: 'Field' })}
              </th>
              <th scope="col" style={{ textAlign: 'left', padding: '4px 16px 4px 0' }}>
                {translateLabel('diffBefore', resource.id, { defaultValue: 'Before' })}
              </th>
              <th scope="col" style={{ textAlign: 'left', padding: '4px 0' }}>
                {translateLabel('diffAfter', resource.id, { defaultValue: 'After' })}
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([field, change]) => {
              const pair =
                change && typeof change === 'object' && ('from' in change || 'to' in change)
                  ? (change as Change)
                  : { from: undefined, to: change };
              return (
                <tr key={field}>
                  <th scope="row" style={{ textAlign: 'left', padding: '4px 16px 4px 0', fontWeight: 600 }}>
                    {field}
                  </th>
                  <td style={{ padding: '4px 16px 4px 0', color: '#7a1d1d' }}>{show(pair.from)}</td>
                  <td style={{ padding: '4px 0', color: '#1f5f2f' }}>{show(pair.to)}</td>
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
