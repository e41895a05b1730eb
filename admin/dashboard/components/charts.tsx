/// <reference lib="dom" />
import React, { useId } from 'react';
import { Link as RouterLink, useNavigate } from 'react-router-dom';

export interface ChartDatum {
  key: string;
  label: string;
  count: number;
  /** The filtered list behind this bar: a click on the bar, or its link below the chart, opens it. */
  href?: string;
}

/** The bars' own links (the keyboard's and screen reader's way to the filtered list). */
function ChartLinks({ data, locale, label }: { data: ChartDatum[]; locale: string; label: string }) {
  const linked = data.filter((d) => d.href && d.count > 0);
  if (!linked.length) return null;
  return (
    <nav aria-label={label}>
      <ul
        className="bo-chart-links"
        style={{ listStyle: 'none', padding: 0, margin: '8px 0 0', display: 'flex', flexWrap: 'wrap', gap: '4px 12px' }}
      >
        {linked.map((d) => (
          <li key={d.key}>
            <RouterLink className="bo-record-link" to={d.href!}>
              {d.label}: {formatNumber(d.count, locale)}
            </RouterLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

// Colours chosen for contrast on white: text 4.5:1 or more, bars and axes 3:1 or more (WCAG 1.4.3, 1.4.11).
export const COLORS = {
  text: '#1c2333',
  muted: '#4a5468',
  axis: '#6b7385',
  bar: '#2f5fd0',
  grid: '#e3e7ef',
  good: '#1f7a3d',
  warn: '#8a5a00',
  bad: '#b3261e',
};

const formatNumber = (n: number, locale: string) => new Intl.NumberFormat(locale).format(n);

function DataTable({
  title,
  data,
  keyHeader,
  countHeader,
  locale,
  summary,
}: {
  title: string;
  data: ChartDatum[];
  keyHeader: string;
  countHeader: string;
  locale: string;
  summary: string;
}) {
  return (
    <details style={{ marginTop: 8 }}>
      <summary style={{ cursor: 'pointer', color: COLORS.bar, fontSize: 14 }}>{summary}</summary>
      <table style={{ marginTop: 8, borderCollapse: 'collapse', fontSize: 14, color: COLORS.text }}>
        <caption style={{ textAlign: 'left', color: COLORS.muted, paddingBottom: 4 }}>{title}</caption>
        <thead>
          <tr>
            <th scope="col" style={{ textAlign: 'left', padding: '2px 12px 2px 0' }}>
              {keyHeader}
            </th>
            <th scope="col" style={{ textAlign: 'right', padding: '2px 0' }}>
              {countHeader}
            </th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.key}>
              <th scope="row" style={{ textAlign: 'left', fontWeight: 'normal', padding: '2px 12px 2px 0' }}>
                {d.label}
              </th>
              <td style={{ textAlign: 'right', padding: '2px 0' }}>{formatNumber(d.count, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export interface ChartText {
  title: string;
  keyHeader: string;
  countHeader: string;
  summary: string;
  /** Spoken summary of the whole chart (role="img" label). */
  description: string;
  /** Name of the chart's links to the filtered lists. */
  linksLabel?: string;
}

/** Horizontal bars for categories (statuses, roles): each bar carries its label and value as text. */
export function CategoryBars({ data, text, locale }: { data: ChartDatum[]; text: ChartText; locale: string }) {
  const id = useId();
  const navigate = useNavigate();
  const max = Math.max(1, ...data.map((d) => d.count));
  const rowHeight = 28;
  const labelWidth = 130;
  const width = 420;
  const barSpace = width - labelWidth - 60;
  const height = data.length * rowHeight + 4;
  return (
    <figure style={{ margin: 0 }}>
      <svg
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width, display: 'block' }}
      >
        <title id={`${id}-t`}>{text.title}</title>
        <desc id={`${id}-d`}>{text.description}</desc>
        {data.map((d, i) => {
          const y = i * rowHeight + 2;
          const w = d.count === 0 ? 0 : Math.max(2, (d.count / max) * barSpace);
          return (
            <g
              key={d.key}
              data-bar={d.key}
              onClick={d.href ? () => navigate(d.href!) : undefined}
              style={d.href ? { cursor: 'pointer' } : undefined}
            >
              <text x={labelWidth - 8} y={y + 17} textAnchor="end" fontSize="13" fill={COLORS.text}>
                {d.label}
              </text>
              <rect x={labelWidth} y={y + 4} width={w} height={rowHeight - 10} rx="3" fill={COLORS.bar} />
              <text x={labelWidth + w + 6} y={y + 17} fontSize="13" fill={COLORS.text}>
                {formatNumber(d.count, locale)}
              </text>
            </g>
          );
        })}
      </svg>
      <ChartLinks data={data} locale={locale} label={text.linksLabel ?? text.title} />
      <DataTable
        title={text.title}
        data={data}
        keyHeader={text.keyHeader}
        countHeader={text.countHeader}
        locale={locale}
        summary={text.summary}
      />
    </figure>
  );
}

/** Columns over time (days, weeks), with a baseline, a max gridline and sparse date labels. */
export function TimeColumns({ data, text, locale }: { data: ChartDatum[]; text: ChartText; locale: string }) {
  const id = useId();
  const navigate = useNavigate();
  const max = Math.max(1, ...data.map((d) => d.count));
  const width = 480;
  const height = 200;
  const left = 44;
  const bottom = 28;
  const top = 12;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const slot = plotW / Math.max(1, data.length);
  const barW = Math.max(4, slot * 0.7);
  const labelEvery = Math.ceil(data.length / 6);
  return (
    <figure style={{ margin: 0 }}>
      <svg
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width, display: 'block' }}
      >
        <title id={`${id}-t`}>{text.title}</title>
        <desc id={`${id}-d`}>{text.description}</desc>
        <line x1={left} x2={width - 8} y1={top} y2={top} stroke={COLORS.grid} />
        <text x={left - 6} y={top + 4} textAnchor="end" fontSize="12" fill={COLORS.muted}>
          {formatNumber(max, locale)}
        </text>
        <text x={left - 6} y={top + plotH + 4} textAnchor="end" fontSize="12" fill={COLORS.muted}>
          0
        </text>
        {data.map((d, i) => {
          const h = d.count === 0 ? 0 : Math.max(2, (d.count / max) * plotH);
          const x = left + i * slot + (slot - barW) / 2;
          return (
            <g
              key={d.key}
              data-bar={d.key}
              onClick={d.href ? () => navigate(d.href!) : undefined}
              style={d.href ? { cursor: 'pointer' } : undefined}
            >
              <rect x={x} y={top + plotH - h} width={barW} height={h} rx="2" fill={COLORS.bar} />
              {(data.length - 1 - i) % labelEvery === 0 ? (
                <text x={x + barW / 2} y={height - 8} textAnchor="middle" fontSize="11" fill={COLORS.muted}>
                  {d.label}
                </text>
              ) : null}
            </g>
          );
        })}
        <line x1={left} x2={width - 8} y1={top + plotH} y2={top + plotH} stroke={COLORS.axis} />
      </svg>
      <ChartLinks data={data} locale={locale} label={text.linksLabel ?? text.title} />
      <DataTable
        title={text.title}
        data={data}
        keyHeader={text.keyHeader}
        countHeader={text.countHeader}
        locale={locale}
        summary={text.summary}
      />
    </figure>
  );
}
