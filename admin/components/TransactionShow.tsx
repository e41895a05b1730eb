/// <reference lib="dom" />
import React from 'react';
import { Box, DrawerContent } from '@adminjs/design-system';
import { BasePropertyComponent, type ActionProps } from 'adminjs';
import { MovementsTable, OverviewState, Section, useCustomerViewText, useOverview } from './customer-view.parts.js';
import type { TransactionOverview } from '../../src/modules/customer-view/customer-view.service.js';

/** A transaction: its fields, then the corrections posted on it and the net effect. */
export default function TransactionShow(props: ActionProps) {
  const { resource, record } = props;
  const { data, failed } = useOverview<TransactionOverview>(resource.id, record?.id);
  const { t } = useCustomerViewText();
  if (!record) return null;
  return (
    <DrawerContent>
      {resource.showProperties.map((property) => (
        <BasePropertyComponent key={property.propertyPath} where="show" property={property} resource={resource} record={record} />
      ))}
      {!data ? (
        <OverviewState failed={failed} />
      ) : (
        <Box data-testid="transaction-overview">
          <Section
            id="transaction-adjustments"
            title={t('adjustments')}
            empty={!data.adjustments.length}
            emptyText={t('noAdjustments')}
          >
            <MovementsTable caption={t('adjustments')} rows={data.adjustments} showAccount={false} />
            <dl className="bo-facts" style={{ marginTop: 12 }}>
              <dt>{t('net')}</dt>
              <dd data-testid="transaction-net">{data.net}</dd>
            </dl>
          </Section>
        </Box>
      )}
    </DrawerContent>
  );
}
