import { html, nothing, svg, type TemplateResult } from 'lit';
import { button } from '../internal/button.js';
import { clock, linePoints, niceMax } from './model.js';
import type { DashboardStrings } from './strings.js';

// Charts of our own, in SVG: a chart library (uPlot is ~20 KB+ minified, Chart.js far more) would
// outweigh this element, and we draw at most a few hundred points a second. A polyline per series
// in a fixed viewBox, stretched to the box; labels stay HTML so they never stretch with it.

const W = 300;
const H = 100;

/** A tile's trend: a line in a small box, decorative (the tile says the figure in words). */
export function sparkline(values: readonly number[]): TemplateResult {
  const points = values.length > 1 ? linePoints(values, 100, 24) : '';
  return html`<svg
    class="spark"
    part="sparkline"
    viewBox="0 0 100 24"
    preserveAspectRatio="none"
    aria-hidden="true"
    focusable="false"
  >
    ${
      points
        ? svg`<polyline points=${points} fill="none" vector-effect="non-scaling-stroke" />`
        : nothing
    }
  </svg>`;
}

export interface ChartSeries {
  name: string;
  values: readonly number[];
  /** 1-3 pick --chart-color-N; `error` picks --chart-error-color. */
  color: 1 | 2 | 3 | 'error';
}

export interface ChartModel {
  id: string;
  title: string;
  /** Bucket end times, oldest first. */
  times: readonly number[];
  series: readonly ChartSeries[];
  format: (v: number) => string;
  /** Shown as a table instead of a chart. */
  asTable: boolean;
}

/**
 * A time-series chart with its text alternative: a summary as the image's name, and a toggle that
 * shows the very same figures as a table.
 */
export function renderChart(
  m: ChartModel,
  s: DashboardStrings,
  toggle: (id: string) => void,
): TemplateResult {
  const max = niceMax(m.series.flatMap((x) => x.values));
  const summary = s.chartSummary(
    m.title,
    m.series.map((x) =>
      s.seriesSummary(x.name, m.format(x.values.at(-1) ?? 0), m.format(Math.max(0, ...x.values))),
    ),
  );
  const titleId = `chart-${m.id}-title`;
  return html`<figure class="chart" part="chart chart-${m.id}" aria-labelledby=${titleId}>
    <figcaption class="chart__head">
      <span class="chart__title" id=${titleId}>${m.title}</span>
      <span class="chart__legend" aria-hidden="true">
        ${m.series.map(
          (x) => html`<span class="chart__key chart__key--${x.color}"><i></i>${x.name}</span>`,
        )}
      </span>
      ${button({
        label: m.asTable ? s.showChart : s.showTable,
        small: true,
        variant: 'outline',
        part: 'chart-toggle',
        className: 'chart__toggle',
        onClick: () => toggle(m.id),
      })}
    </figcaption>
    ${m.asTable ? renderTable(m, s) : renderPlot(m, max, summary, s)}
  </figure>`;
}

function renderPlot(m: ChartModel, max: number, summary: string, s: DashboardStrings) {
  return html`<div class="chart__plot">
    <span class="chart__max" aria-hidden="true">${m.format(max)}</span>
    <svg
      class="chart__svg"
      viewBox="0 0 ${W} ${H}"
      preserveAspectRatio="none"
      role="img"
      aria-label=${summary}
    >
      ${[0.25, 0.5, 0.75].map(
        (f) =>
          svg`<line class="chart__grid" x1="0" x2=${W} y1=${H * f} y2=${H * f} vector-effect="non-scaling-stroke" />`,
      )}
      ${m.series.map(
        (x) =>
          svg`<polyline class="chart__line chart__line--${x.color}" points=${linePoints(x.values, W, H, max)} fill="none" vector-effect="non-scaling-stroke" />`,
      )}
    </svg>
    <span class="chart__axis" aria-hidden="true"
      ><span>${s.axisStart}</span><span>${s.axisEnd}</span></span
    >
  </div>`;
}

function renderTable(m: ChartModel, s: DashboardStrings) {
  // Newest first: the row a reader wants is the one on top.
  const rows = m.times.map((_, i) => m.times.length - 1 - i);
  return html`<div
    class="chart__table rs-scroll"
    part="chart-table"
    role="region"
    aria-label=${m.title}
    tabindex="0"
  >
    <table class="table">
      <caption class="rs-sr-only">
        ${m.title}
      </caption>
      <thead>
        <tr>
          <th scope="col">${s.time}</th>
          ${m.series.map((x) => html`<th scope="col">${x.name}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (i) =>
            html`<tr>
              <th scope="row">${clock(m.times[i])}</th>
              ${m.series.map((x) => html`<td>${m.format(x.values[i] ?? 0)}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
