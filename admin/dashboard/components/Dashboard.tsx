/// <reference lib="dom" />
import React, { useCallback, useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { ApiClient, useCurrentAdmin, useTranslation } from 'adminjs';
import { CategoryBars, COLORS, TimeColumns, type ChartDatum, type ChartText } from './charts.tsx';
import { recordTitle } from '../../overrides/titles.js';

interface Bucket {
  key: string;
  count: number;
}
interface DashboardData {
  role: string;
  generatedAt: string;
  sections: Array<'support' | 'compliance' | 'engineering' | 'staff'>;
  tenantsByStatus?: Bucket[];
  signupsByWeek?: Bucket[];
  grantedTenants?: number;
  myGrants?: Array<{
    id: string;
    tenant: { id: string; name: string; slug: string; status: string } | null;
    reason: string;
    expiresAt: string;
  }>;
  auditEventsByDay?: Bucket[];
  auditOutcomes24h?: Bucket[];
  lastVerification?: {
    status: 'intact' | 'broken' | 'unknown';
    at: string | null;
    events: number | null;
    chains: number | null;
    firstBreak: { chainKey: string; seq: string; reason: string } | null;
    checkpoint: { chainKey: string; seq: string; at: string } | null;
  };
  exportJobsByStatus?: Bucket[];
  outboxByStatus?: Bucket[];
  oldestPendingOutboxSeconds?: number | null;
  staffByRole?: Bucket[];
  approvalsWaiting?: Array<{ id: string; action: string; reason: string; createdAt: string; expiresAt: string }>;
  approvalsMine?: Array<{
    id: string;
    action: string;
    reason: string;
    status: string;
    approvalsGiven: number;
    approvalsRequired: number;
    createdAt: string;
    expiresAt: string;
  }>;
}

const api = new ApiClient();

function Card({ title, children, wide }: { title: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <section
      style={{
        background: '#ffffff',
        border: '1px solid #d5dae3',
        borderRadius: 8,
        padding: 20,
        flex: wide ? '1 1 100%' : '1 1 420px',
        minWidth: 0,
        color: COLORS.text,
      }}
    >
      <h3 style={{ fontSize: 16, fontWeight: 600, margin: '0 0 12px', lineHeight: 1.3 }}>{title}</h3>
      {children}
    </section>
  );
}

/**
 * The role dashboard (SPEC §4.1): support sees its tenants by status and sign-ups, compliance the
 * audit trail's activity and last verification, engineers export jobs and queue health; a
 * superadmin sees all of it. Every chart has a text alternative and a table of its numbers.
 */
export default function Dashboard() {
  const { translateComponent, i18n } = useTranslation();
  const [currentAdmin] = useCurrentAdmin();
  const [data, setData] = useState<DashboardData | null>(null);
  const [failed, setFailed] = useState(false);
  const locale = i18n.language === 'es' ? 'es' : 'en';
  const t = (key: string, options?: Record<string, unknown>) => translateComponent(`Dashboard.${key}`, options);
  const value = (key: string) => translateComponent(`Dashboard.values.${key}`, { defaultValue: key });

  const load = useCallback(() => {
    setFailed(false);
    api
      .getDashboard()
      .then((response) => setData(response.data as DashboardData))
      .catch(() => setFailed(true));
  }, []);
  useEffect(load, [load]);

  // Chains are named by their tenant (its title as the staff member may see it), never by its id.
  const [chainTitles, setChainTitles] = useState<Record<string, string | null>>({});
  useEffect(() => {
    const keys = [data?.lastVerification?.checkpoint?.chainKey, data?.lastVerification?.firstBreak?.chainKey];
    for (const key of keys)
      if (key?.startsWith('tenant:'))
        void recordTitle('Tenant', key.slice('tenant:'.length)).then((title) =>
          setChainTitles((known) => ({ ...known, [key]: title })),
        );
  }, [data]);

  const dateLabel = (iso: string) =>
    new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso));
  const dateTime = (iso: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  const total = (buckets: Bucket[]) => buckets.reduce((sum, b) => sum + b.count, 0);

  const chartText = (chart: string, data: ChartDatum[], keyHeader = t('colKey')): ChartText => ({
    title: t(`charts.${chart}`),
    keyHeader,
    countHeader: t('colCount'),
    summary: t('showData'),
    description: `${data.map((d) => `${d.label}: ${new Intl.NumberFormat(locale).format(d.count)}`).join('; ')}. ${t('total', { count: total(data) })}`,
    linksLabel: t('openList', { title: t(`charts.${chart}`) }),
  });
  /** A list's URL with its filters, as the filter drawer writes them. */
  const listUrl = (resource: string, filters: Record<string, string>) =>
    `/admin/resources/${resource}?${new URLSearchParams(Object.entries(filters).map(([k, v]) => [`filters.${k}`, v])).toString()}`;
  const linked = (items: ChartDatum[], href: (d: ChartDatum) => string | undefined): ChartDatum[] =>
    items.map((d) => ({ ...d, href: href(d) }));
  const dayRange = (key: string) => {
    const from = new Date(key);
    return { 'occurredAt~~from': from.toISOString(), 'occurredAt~~to': new Date(from.getTime() + 86_400_000 - 1).toISOString() };
  };
  const categories = (buckets: Bucket[]): ChartDatum[] =>
    buckets.map((b) => ({ key: b.key, label: value(b.key), count: b.count }));
  const series = (buckets: Bucket[]): ChartDatum[] =>
    buckets.map((b) => ({ key: b.key, label: dateLabel(b.key), count: b.count }));
  const duration = (seconds: number) =>
    seconds < 120
      ? t('duration.seconds', { count: seconds })
      : seconds < 7200
        ? t('duration.minutes', { count: Math.round(seconds / 60) })
        : t('duration.hours', { count: Math.round(seconds / 3600) });

  const chainName = (key: string) =>
    key === 'global'
      ? t('verification.globalChain')
      : t('verification.tenantChain', { tenant: chainTitles[key] ?? t('verification.aTenant') });

  const name = (currentAdmin as { name?: string } | null)?.name ?? '';
  const role = (currentAdmin as { role?: string } | null)?.role ?? data?.role ?? '';

  return (
    <div
      style={{ padding: '24px 32px', background: '#f4f6fa', minHeight: '100%', color: COLORS.text, fontFamily: 'inherit' }}
      lang={locale}
    >
      <h1 style={{ fontSize: 24, fontWeight: 600, margin: '0 0 4px', lineHeight: 1.3 }}>{t('greeting', { name })}</h1>
      <p style={{ margin: '0 0 20px', color: COLORS.muted, fontSize: 14 }}>
        {t('roleLine', { role: value(role) })}
        {data ? ` · ${t('generatedAt', { time: dateTime(data.generatedAt) })}` : ''}
      </p>
      {failed ? (
        <div role="alert" style={{ color: COLORS.bad, marginBottom: 16 }}>
          {t('loadFailed')}{' '}
          <button
            type="button"
            onClick={load}
            style={{
              color: COLORS.bar,
              background: 'none',
              border: `1px solid ${COLORS.bar}`,
              borderRadius: 4,
              padding: '4px 10px',
              cursor: 'pointer',
            }}
          >
            {t('retry')}
          </button>
        </div>
      ) : null}
      {!data && !failed ? (
        <p role="status" style={{ color: COLORS.muted }}>
          {t('loading')}
        </p>
      ) : null}
      {data?.approvalsWaiting ? (
        <div style={{ marginBottom: 28 }} data-testid="dashboard-approvals">
          <h2 style={{ fontSize: 18, fontWeight: 600, margin: '0 0 12px', lineHeight: 1.3 }}>
            {t('approvals.title', { count: data.approvalsWaiting.length })}
          </h2>
          <Card title={t('approvals.subtitle')} wide>
            {data.approvalsWaiting.length === 0 ? (
              <p style={{ margin: 0 }}>{t('approvals.none')}</p>
            ) : (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {data.approvalsWaiting.map((r) => (
                  <li key={r.id} style={{ marginBottom: 6 }}>
                    <a href={`/admin/resources/ApprovalRequest/records/${r.id}/show`} style={{ color: COLORS.bar }}>
                      {value(r.action)}
                    </a>{' '}
                    — {r.reason} · {t('approvals.expires', { time: dateTime(r.expiresAt) })}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      ) : null}
      {data?.approvalsMine ? (
        <div style={{ marginBottom: 28 }} data-testid="dashboard-approvals-mine">
          <h2 style={{ fontSize: 18, fontWeight: 600, margin: '0 0 12px', lineHeight: 1.3 }}>
            {t('approvalsMine.title', { count: data.approvalsMine.length })}
          </h2>
          <Card title={t('approvalsMine.subtitle')} wide>
            {data.approvalsMine.length === 0 ? (
              <p style={{ margin: 0 }}>{t('approvalsMine.none')}</p>
            ) : (
              <ul style={{ margin: '0 0 12px', paddingLeft: 20 }}>
                {data.approvalsMine.map((r) => (
                  <li key={r.id} style={{ marginBottom: 6 }}>
                    <a href={`/admin/resources/ApprovalRequest/records/${r.id}/show`} style={{ color: COLORS.bar }}>
                      {value(r.action)}
                    </a>{' '}
                    — {value(r.status)} ({r.approvalsGiven}/{r.approvalsRequired}) · {r.reason} ·{' '}
                    {t('approvalsMine.made', { time: dateTime(r.createdAt) })}
                  </li>
                ))}
              </ul>
            )}
            {currentAdmin && (currentAdmin as { id?: string }).id ? (
              <a
                href={listUrl('ApprovalRequest', { makerId: String((currentAdmin as { id?: string }).id) })}
                style={{ color: COLORS.bar }}
              >
                {t('approvalsMine.all')}
              </a>
            ) : null}
          </Card>
        </div>
      ) : null}
      {data
        ? data.sections.map((section) => (
            <div key={section} style={{ marginBottom: 28 }} data-testid={`dashboard-${section}`}>
              <h2 style={{ fontSize: 18, fontWeight: 600, margin: '0 0 12px', lineHeight: 1.3 }}>{t(`sections.${section}`)}</h2>
              <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16 }}>
                {section === 'support' && data.tenantsByStatus && data.signupsByWeek ? (
                  <>
                    {data.grantedTenants !== undefined ? (
                      <Card title={t('grantedTenants', { count: data.grantedTenants })} wide>
                        {data.grantedTenants === 0 ? <p style={{ margin: 0 }}>{t('noGrants')}</p> : null}
                        {data.myGrants?.length ? (
                          <table
                            className="bo-grants"
                            data-testid="my-grants"
                            style={{ borderCollapse: 'collapse', width: '100%' }}
                          >
                            <caption className="bo-sr-only">{t('myGrants.caption')}</caption>
                            <thead>
                              <tr>
                                <th scope="col" style={{ textAlign: 'left', padding: '4px 8px' }}>
                                  {t('myGrants.tenant')}
                                </th>
                                <th scope="col" style={{ textAlign: 'left', padding: '4px 8px' }}>
                                  {t('myGrants.reason')}
                                </th>
                                <th scope="col" style={{ textAlign: 'left', padding: '4px 8px' }}>
                                  {t('myGrants.expiresAt')}
                                </th>
                              </tr>
                            </thead>
                            <tbody>
                              {data.myGrants.map((g) => (
                                <tr key={g.id}>
                                  <td style={{ padding: '4px 8px' }}>
                                    {g.tenant ? (
                                      <RouterLink
                                        className="bo-record-link"
                                        to={`/admin/resources/Tenant/records/${g.tenant.id}/show`}
                                      >
                                        {g.tenant.name}
                                      </RouterLink>
                                    ) : (
                                      '—'
                                    )}
                                  </td>
                                  <td style={{ padding: '4px 8px' }}>{g.reason}</td>
                                  <td style={{ padding: '4px 8px', whiteSpace: 'nowrap' }}>{dateTime(g.expiresAt)}</td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        ) : null}
                        {data.grantedTenants > 0 ? (
                          <p style={{ margin: '12px 0 0' }}>
                            <RouterLink className="bo-record-link" to="/admin/resources/Tenant/actions/find">
                              {t('findTenant')}
                            </RouterLink>
                          </p>
                        ) : null}
                      </Card>
                    ) : null}
                    <Card title={t('charts.tenantsByStatus')}>
                      <CategoryBars
                        locale={locale}
                        data={linked(categories(data.tenantsByStatus), (d) => listUrl('Tenant', { status: d.key }))}
                        text={chartText('tenantsByStatus', categories(data.tenantsByStatus))}
                      />
                    </Card>
                    <Card title={t('charts.signupsByWeek')}>
                      <TimeColumns
                        locale={locale}
                        data={series(data.signupsByWeek)}
                        text={chartText('signupsByWeek', series(data.signupsByWeek), t('colWeek'))}
                      />
                    </Card>
                  </>
                ) : null}
                {section === 'compliance' && data.auditEventsByDay && data.auditOutcomes24h ? (
                  <>
                    <Card title={t('charts.auditEventsByDay')}>
                      <TimeColumns
                        locale={locale}
                        data={linked(series(data.auditEventsByDay), (d) =>
                          listUrl('AuditEvent', { ...dayRange(d.key), includeReads: 'true' }),
                        )}
                        text={chartText('auditEventsByDay', series(data.auditEventsByDay), t('colDay'))}
                      />
                    </Card>
                    <Card title={t('charts.auditOutcomes24h')}>
                      <CategoryBars
                        locale={locale}
                        data={linked(categories(data.auditOutcomes24h), (d) =>
                          listUrl('AuditEvent', {
                            outcome: d.key,
                            // From the start of the hour 24 h ago: the hours the chart counts (hourly summary).
                            'occurredAt~~from': new Date(
                              Math.floor((new Date(data.generatedAt).getTime() - 86_400_000) / 3_600_000) * 3_600_000,
                            ).toISOString(),
                            includeReads: 'true',
                          }),
                        )}
                        text={chartText('auditOutcomes24h', categories(data.auditOutcomes24h))}
                      />
                    </Card>
                    {data.lastVerification ? (
                      <Card title={t('verification.title')} wide>
                        <p
                          data-testid="verification-status"
                          style={{
                            margin: '0 0 8px',
                            fontWeight: 600,
                            color:
                              data.lastVerification.status === 'intact'
                                ? COLORS.good
                                : data.lastVerification.status === 'broken'
                                  ? COLORS.bad
                                  : COLORS.text,
                          }}
                        >
                          {data.lastVerification.status === 'unknown'
                            ? t('verification.unknown')
                            : t(`verification.${data.lastVerification.status}`, {
                                time: dateTime(data.lastVerification.at!),
                                events: new Intl.NumberFormat(locale).format(data.lastVerification.events ?? 0),
                                chains: data.lastVerification.chains ?? 0,
                                chain: data.lastVerification.firstBreak
                                  ? chainName(data.lastVerification.firstBreak.chainKey)
                                  : '',
                                seq: data.lastVerification.firstBreak?.seq ?? '',
                                reason: data.lastVerification.firstBreak
                                  ? t(`verification.reasons.${data.lastVerification.firstBreak.reason}`)
                                  : '',
                              })}
                        </p>
                        <p style={{ margin: 0, color: COLORS.muted, fontSize: 14 }}>
                          {data.lastVerification.checkpoint
                            ? t('verification.checkpoint', {
                                chain: chainName(data.lastVerification.checkpoint.chainKey),
                                seq: data.lastVerification.checkpoint.seq,
                                time: dateTime(data.lastVerification.checkpoint.at),
                              })
                            : t('verification.noCheckpoint')}
                        </p>
                      </Card>
                    ) : null}
                  </>
                ) : null}
                {section === 'engineering' && data.exportJobsByStatus && data.outboxByStatus ? (
                  <>
                    <Card title={t('charts.exportJobsByStatus')}>
                      <CategoryBars
                        locale={locale}
                        data={categories(data.exportJobsByStatus)}
                        text={chartText('exportJobsByStatus', categories(data.exportJobsByStatus))}
                      />
                    </Card>
                    <Card title={t('queue.title')}>
                      {(() => {
                        const failedCount = data.outboxByStatus.find((b) => b.key === 'FAILED')?.count ?? 0;
                        const waiting = data.oldestPendingOutboxSeconds ?? null;
                        const state = failedCount > 0 ? 'failing' : waiting !== null && waiting > 300 ? 'degraded' : 'healthy';
                        const color = state === 'healthy' ? COLORS.good : state === 'degraded' ? COLORS.warn : COLORS.bad;
                        return (
                          <p data-testid="queue-health" style={{ margin: '0 0 12px', fontWeight: 600, color }}>
                            {t(`queue.${state}`)} ·{' '}
                            {waiting === null ? t('queue.noPending') : t('queue.oldestPending', { duration: duration(waiting) })}
                          </p>
                        );
                      })()}
                      <CategoryBars
                        locale={locale}
                        data={categories(data.outboxByStatus)}
                        text={chartText('outboxByStatus', categories(data.outboxByStatus))}
                      />
                    </Card>
                  </>
                ) : null}
                {section === 'staff' && data.staffByRole ? (
                  <Card title={t('charts.staffByRole')}>
                    <CategoryBars
                      locale={locale}
                      data={categories(data.staffByRole)}
                      text={chartText('staffByRole', categories(data.staffByRole))}
                    />
                  </Card>
                ) : null}
              </div>
            </div>
          ))
        : null}
    </div>
  );
}
