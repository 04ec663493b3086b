import { html, nothing, type TemplateResult } from 'lit';
import type { RoomMetrics } from '@realstream/client';
import { formatDuration } from '../internal/numbers.js';
import { formatBytes as formatBytesText, formatPercent } from './amounts.js';
import { skeleton } from '../internal/skeleton.js';
import { renderChart, sparkline, type ChartModel } from './chart.js';
import {
  formatBytes,
  formatCount,
  formatLatency,
  formatRate,
  rate,
  seriesOf,
  trend,
  type TrendHistory,
} from './model.js';
import type { DashboardStrings } from './strings.js';

export interface TileModel {
  id: string;
  label: string;
  value: string;
  unit: string;
  detail: string;
  tone?: 'warning' | 'danger';
  /** The last minute against the last 15, in words; only for rates. */
  trend?: { direction: 'up' | 'down' | 'flat'; text: string };
  spark: readonly number[];
}

/** Figures the series does not carry: their sparklines come from the values seen (bounded). */
export function historySample(m: RoomMetrics): Record<string, number> {
  const w = m.last15Minutes;
  return {
    people: m.connections.total,
    replies: w.replies,
    replyP95: w.replyDuration.p95,
    toolCalls: w.toolCalls,
    resumes: w.resumes,
    rateLimited: w.rateLimited,
    bytesOut: rate(m.lastMinute.bytesOut, m.lastMinute.seconds),
  };
}

/**
 * The key figures of a room, in the order the tiles show them; numbers and units in `locale`
 * (the element's, see internal/numbers.ts).
 */
export function tileModels(
  m: RoomMetrics,
  h: TrendHistory,
  s: DashboardStrings,
  locale?: string,
): TileModel[] {
  const min = m.lastMinute;
  const w = m.last15Minutes;
  const perSecond = (key: 'messagesIn' | 'messagesOut' | 'tokens', label: string): TileModel => {
    const now = rate(min[key], min.seconds);
    const t = trend(now, rate(w[key], w.seconds));
    const change = t.change === null ? '' : formatPercent(Math.abs(t.change), locale);
    return {
      id: key,
      label,
      value: formatRate(now, locale),
      unit: s.perSecond,
      detail: s.in15(w[key]),
      trend: {
        direction: t.direction,
        text:
          t.direction === 'flat'
            ? s.trendFlat
            : t.direction === 'up'
              ? s.trendUp(change)
              : s.trendDown(change),
      },
      spark: seriesOf(m.series, key),
    };
  };
  const latency = (id: string, label: string, ms: number, count: number, spark: number[]) => {
    const f = formatLatency(ms, locale);
    return {
      id,
      label,
      value: f.value,
      unit: f.unit,
      detail: s.latencyCount(count),
      spark,
    };
  };
  const count = (
    id: string,
    label: string,
    n: number,
    detail: string,
    tone?: TileModel['tone'],
  ) => ({
    id,
    label,
    value: formatCount(n, locale),
    unit: '',
    detail,
    tone,
    spark: h.values(id),
  });
  const bytes = formatBytes(rate(min.bytesOut, min.seconds), locale, true);
  return [
    count('people', s.people, m.connections.total, s.peopleByRole(m.connections)),
    perSecond('messagesIn', s.messagesIn),
    perSecond('messagesOut', s.messagesOut),
    perSecond('tokens', s.tokens),
    count(
      'replies',
      s.replies,
      w.replies,
      s.errors(w.replyErrors),
      w.replyErrors ? 'danger' : undefined,
    ),
    latency('ttftP50', s.ttftP50, w.ttft.p50, w.ttft.count, seriesOf(m.series, 'ttftP50')),
    latency('ttftP95', s.ttftP95, w.ttft.p95, w.ttft.count, seriesOf(m.series, 'ttftP95')),
    latency(
      'replyP95',
      s.replyP95,
      w.replyDuration.p95,
      w.replyDuration.count,
      h.values('replyP95'),
    ),
    count(
      'toolCalls',
      s.toolCalls,
      w.toolCalls,
      s.errors(w.toolErrors),
      w.toolErrors ? 'danger' : undefined,
    ),
    count('resumes', s.resumes, w.resumes, s.snapshots(w.snapshots)),
    count(
      'rateLimited',
      s.rateLimited,
      w.rateLimited,
      s.badFrames(w.badFrames),
      w.rateLimited || w.badFrames ? 'warning' : undefined,
    ),
    {
      id: 'bytesOut',
      label: s.bytesOut,
      value: bytes.value,
      unit: bytes.unit,
      detail: s.amountIn15(formatBytesText(w.bytesOut, locale)),
      spark: h.values('bytesOut'),
    },
  ];
}

function renderTile(t: TileModel): TemplateResult {
  return html`<li
    class="tile rs-card ${t.tone ? `tile--${t.tone}` : ''}"
    part="tile tile-${t.id}"
    data-tile=${t.id}
  >
    <span class="tile__label" id="tile-${t.id}">${t.label}</span>
    <span class="tile__figure"
      ><bdi class="tile__value">${t.value}</bdi>${
        t.unit ? html`<bdi class="tile__unit">${t.unit}</bdi>` : nothing
      }</span
    >
    <span class="tile__detail">${t.detail}</span>
    ${
      t.trend
        ? html`<span class="tile__trend tile__trend--${t.trend.direction}"
            ><span aria-hidden="true"
              >${t.trend.direction === 'up' ? '↗' : t.trend.direction === 'down' ? '↘' : '→'}</span
            >
            ${t.trend.text}</span
          >`
        : nothing
    }
    ${sparkline(t.spark)}
  </li>`;
}

/** The tiles, or placeholders while the first figures are on their way. */
export function renderTiles(tiles: readonly TileModel[] | null, s: DashboardStrings) {
  if (!tiles) {
    return html`<ul class="tiles" part="tiles" aria-label=${s.tilesLabel} aria-busy="true">
      ${Array.from({ length: 4 }, () => html`<li class="tile rs-card">${skeleton(2)}</li>`)}
    </ul>`;
  }
  return html`<ul class="tiles" part="tiles" aria-label=${s.tilesLabel}>
    ${tiles.map(renderTile)}
  </ul>`;
}

/** The charts of the last 15 minutes, from the series. */
export function chartModels(
  m: RoomMetrics,
  s: DashboardStrings,
  tables: ReadonlySet<string>,
  locale?: string,
) {
  const times = seriesOf(m.series, 't');
  const count = (v: number) => formatCount(v, locale);
  const ms = (v: number) => formatDuration(v, locale, v < 10_000 ? 2 : 1);
  const models: Omit<ChartModel, 'asTable' | 'times'>[] = [
    {
      id: 'messages',
      title: s.chartMessages,
      format: count,
      series: [
        { name: s.seriesIn, values: seriesOf(m.series, 'messagesIn'), color: 1 },
        { name: s.seriesOut, values: seriesOf(m.series, 'messagesOut'), color: 2 },
      ],
    },
    {
      id: 'tokens',
      title: s.chartTokens,
      format: count,
      series: [{ name: s.seriesTokens, values: seriesOf(m.series, 'tokens'), color: 3 }],
    },
    {
      id: 'latency',
      title: s.chartLatency,
      format: ms,
      series: [
        { name: 'p50', values: seriesOf(m.series, 'ttftP50'), color: 1 },
        { name: 'p95', values: seriesOf(m.series, 'ttftP95'), color: 2 },
        { name: 'p99', values: seriesOf(m.series, 'ttftP99'), color: 3 },
      ],
    },
    {
      id: 'errors',
      title: s.chartErrors,
      format: count,
      series: [{ name: s.seriesErrors, values: seriesOf(m.series, 'errors'), color: 'error' }],
    },
  ];
  return models.map((c) => ({ ...c, times, asTable: tables.has(c.id) }));
}

export function renderCharts(
  charts: readonly ChartModel[],
  s: DashboardStrings,
  toggle: (id: string) => void,
) {
  return html`<div class="charts" part="charts" role="group" aria-label=${s.chartsLabel}>
    ${charts.map((c) => renderChart(c, s, toggle))}
  </div>`;
}
