/// <reference lib="dom" />
import React from 'react';
import { CheckBox, TableCell, TableHead, TableRow } from '@adminjs/design-system';
import { PropertyHeader, useTranslation, type BasePropertyJSON } from 'adminjs';
import { srOnly } from './a11y.js';

/** The list's header row, with a named "select all" checkbox and a named actions column. */
export default function RecordsTableHeader(props: {
  titleProperty: BasePropertyJSON;
  properties: BasePropertyJSON[];
  sortBy?: string;
  direction?: 'asc' | 'desc';
  onSelectAll?: () => unknown;
  selectedAll?: boolean;
}) {
  const { titleProperty, properties, sortBy, direction, onSelectAll, selectedAll } = props;
  const { translateLabel } = useTranslation();
  const resourceId = titleProperty.resourceId;
  return (
    <TableHead data-css={`${resourceId}-table-head`}>
      <TableRow data-css={`${resourceId}-table-head-row`}>
        <TableCell data-css={`${resourceId}-checkbox-table-cell`}>
          {onSelectAll ? (
            <CheckBox
              style={{ marginLeft: 5 }}
              onChange={() => onSelectAll()}
              checked={selectedAll}
              aria-label={translateLabel('selectAllRecords', resourceId, { defaultValue: 'Select all records on this page' })}
            />
          ) : null}
        </TableCell>
        {properties.map((property) => (
          <PropertyHeader
            key={property.propertyPath}
            titleProperty={titleProperty}
            property={property}
            sortBy={sortBy}
            direction={direction}
          />
        ))}
        <TableCell key="actions" style={{ width: 80 }}>
          <span style={srOnly}>{translateLabel('rowActions', resourceId, { defaultValue: 'Actions' })}</span>
        </TableCell>
      </TableRow>
    </TableHead>
  );
}
