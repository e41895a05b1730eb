/// <reference lib="dom" />
import React from 'react';
import { Box, DrawerContent, Table, TableBody, TableCell, TableHead, TableRow, Text } from '@adminjs/design-system';
import { BasePropertyComponent, type ActionProps } from 'adminjs';
import {
  cellRight,
  MovementsTable,
  OverviewState,
  RecordLink,
  Section,
  useCustomerViewText,
  useOverview,
} from './customer-view.parts.js';
import type { TenantOverview } from '../../src/modules/customer-view/customer-view.service.js';

const Th = ({ children, right }: { children: React.ReactNode; right?: boolean }) => (
  <TableCell as="th" scope="col" style={right ? cellRight : undefined}>
    {children}
  </TableCell>
);

/**
 * A tenant as support works on it: its fields, then its users, accounts with balances, recent
 * transactions, the running access grants and its status history — every part read through the
 * customer-view service within the staff member's ability (masked where their role masks).
 */
export default function TenantShow(props: ActionProps) {
  const { resource, record } = props;
  const { data, failed } = useOverview<TenantOverview>(resource.id, record?.id);
  const { t, value, date } = useCustomerViewText();
  if (!record) return null;
  return (
    <DrawerContent>
      {resource.showProperties.map((property) => (
        <BasePropertyComponent key={property.propertyPath} where="show" property={property} resource={resource} record={record} />
      ))}
      {!data ? (
        <OverviewState failed={failed} />
      ) : (
        <Box data-testid="tenant-overview">
          <Section
            id="tenant-users"
            title={t('users', { count: data.usersTotal })}
            empty={!data.users.length}
            emptyText={t('noUsers')}
          >
            <Table>
              <caption className="bo-sr-only">{t('users', { count: data.usersTotal })}</caption>
              <TableHead>
                <TableRow>
                  <Th>{t('columns.email')}</Th>
                  <Th>{t('columns.name')}</Th>
                  <Th>{t('columns.role')}</Th>
                  <Th>{t('columns.status')}</Th>
                  <Th>{t('columns.lastLoginAt')}</Th>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.users.map((u) => (
                  <TableRow key={u.id}>
                    <TableCell>
                      <RecordLink resourceId="User" id={u.id}>
                        {u.email}
                      </RecordLink>
                    </TableCell>
                    <TableCell>{u.name ?? '—'}</TableCell>
                    <TableCell>{value('User', 'role', u.role)}</TableCell>
                    <TableCell>{value('User', 'status', u.status)}</TableCell>
                    <TableCell>{date(u.lastLoginAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {data.usersMore ? <Text mt="sm">{t('moreUsers', { shown: data.users.length })}</Text> : null}
          </Section>

          <Section id="tenant-accounts" title={t('accounts')} empty={!data.accounts.length} emptyText={t('noAccounts')}>
            <Table>
              <caption className="bo-sr-only">{t('accounts')}</caption>
              <TableHead>
                <TableRow>
                  <Th>{t('columns.name')}</Th>
                  <Th>{t('columns.type')}</Th>
                  <Th>{t('columns.currency')}</Th>
                  <Th right>{t('columns.balance')}</Th>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.accounts.map((a) => (
                  <TableRow key={a.id}>
                    <TableCell>
                      <RecordLink resourceId="Account" id={a.id}>
                        {a.name}
                      </RecordLink>
                      {a.archived ? ` (${t('archived')})` : ''}
                    </TableCell>
                    <TableCell>{value('Account', 'type', a.type)}</TableCell>
                    <TableCell>{a.currency}</TableCell>
                    <TableCell style={cellRight} data-testid="account-balance">
                      {a.balance}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>

          <Section
            id="tenant-transactions"
            title={t('recentTransactions')}
            empty={!data.transactions.length}
            emptyText={t('noTransactions')}
          >
            <MovementsTable caption={t('recentTransactions')} rows={data.transactions} />
          </Section>

          <Section id="tenant-grants" title={t('grants')} empty={!data.grants.length} emptyText={t('noGrants')}>
            <Table>
              <caption className="bo-sr-only">{t('grants')}</caption>
              <TableHead>
                <TableRow>
                  <Th>{t('columns.staff')}</Th>
                  <Th>{t('columns.reason')}</Th>
                  <Th>{t('columns.expiresAt')}</Th>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.grants.map((g) => (
                  <TableRow key={g.id}>
                    <TableCell>{g.staff ?? t('anotherStaffMember')}</TableCell>
                    <TableCell>{g.reason}</TableCell>
                    <TableCell>{date(g.expiresAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>

          <Section id="tenant-history" title={t('statusHistory')} empty={!data.history.length} emptyText={t('noHistory')}>
            <Table>
              <caption className="bo-sr-only">{t('statusHistory')}</caption>
              <TableHead>
                <TableRow>
                  <Th>{t('columns.occurredAt')}</Th>
                  <Th>{t('columns.change')}</Th>
                  <Th>{t('columns.by')}</Th>
                  <Th>{t('columns.reason')}</Th>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.history.map((h) => (
                  <TableRow key={h.id}>
                    <TableCell>{date(h.occurredAt)}</TableCell>
                    <TableCell>{t(`changes.${h.action.replace('.', '_')}`, { defaultValue: h.action })}</TableCell>
                    <TableCell>
                      {h.actorRole ? value('StaffUser', 'role', h.actorRole) : value('AuditEvent', 'actorType', h.actorType)}
                    </TableCell>
                    <TableCell>{h.reason ?? '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Section>
        </Box>
      )}
    </DrawerContent>
  );
}
