/// <reference lib="dom" />
import React from 'react';
import { Box, DrawerContent } from '@adminjs/design-system';
import { BasePropertyComponent, type ActionProps } from 'adminjs';
import { MovementsTable, OverviewState, Section, useCustomerViewText, useOverview } from './customer-view.parts.js';
import type { AccountOverview } from '../../src/modules/customer-view/customer-view.service.js';

/** An account: its fields, its balance (computed from the ledger) and its newest transactions. */
export default function AccountShow(props: ActionProps) {
  const { resource, record } = props;
  const { data, failed } = useOverview<AccountOverview>(resource.id, record?.id);
  const { t } = useCustomerViewText();
  if (!record) return null;
  return (
    <DrawerContent>
      {!data ? (
        <OverviewState failed={failed} />
      ) : (
        <Box mb="xl" data-testid="account-overview">
          <dl className="bo-facts">
            <dt>{t('balance')}</dt>
            <dd data-testid="account-balance">{data.balance}</dd>
          </dl>
        </Box>
      )}
      {resource.showProperties.map((property) => (
        <BasePropertyComponent key={property.propertyPath} where="show" property={property} resource={resource} record={record} />
      ))}
      {data ? (
        <Section
          id="account-transactions"
          title={t('recentTransactions')}
          empty={!data.transactions.length}
          emptyText={t('noTransactions')}
        >
          <MovementsTable caption={t('recentTransactions')} rows={data.transactions} showAccount={false} />
        </Section>
      ) : null}
    </DrawerContent>
  );
}
