import { css } from 'lit';

/** <realstream-dashboard>'s own layout, on top of the shared sheet. Logical properties only (RTL). */
export const dashboardStyles = css`
  :host {
    --height: auto;
    --tile-min-width: 11rem;
    --chart-height: 7rem;
    --chart-color-1: var(--color-accent);
    --chart-color-2: var(--color-accent-2);
    --chart-color-3: var(--color-warning);
    --chart-error-color: var(--color-danger);
    --feed-height: 22rem;
    display: block;
    block-size: var(--height);
  }
  .dash {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 3);
    block-size: 100%;
    padding: calc(var(--spacing) * 4);
    background: var(--color-surface);
    overflow: auto;
  }
  .dash__header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 3);
  }
  .dash__title {
    flex: 1;
    min-inline-size: 0;
    font-size: var(--text-lg);
    font-weight: var(--font-weight-semibold);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .dash__scope {
    display: inline-flex;
    gap: 2px;
    padding: 2px;
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
  }
  .dash__badges {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 2);
  }
  .dash__heading {
    margin-block: calc(var(--spacing) * 2);
    font-size: var(--text-sm);
    font-weight: var(--font-weight-semibold);
  }
  .dash__note {
    padding: calc(var(--spacing) * 3);
    border: 1px dashed var(--color-border);
    border-radius: var(--radius-md);
    color: var(--color-text-muted);
    font-size: var(--text-sm);
  }
  .dash__note--bad {
    color: var(--color-danger-text);
  }
  /* Stale figures: still readable, visibly not live. */
  .dash--stale :is(.tiles, .charts, .table-wrap) {
    filter: grayscale(1);
  }
  .dash--stale :is(.tile__value, .chart__title, .table) {
    color: var(--color-text-muted);
  }

  .dash__tabs {
    display: flex;
    gap: calc(var(--spacing) * 1);
    border-block-end: 1px solid var(--color-border);
  }
  .dash__tab {
    padding: calc(var(--spacing) * 2) calc(var(--spacing) * 3);
    border-block-end: 2px solid transparent;
    margin-block-end: -1px;
    font-size: var(--text-sm);
    font-weight: var(--font-weight-medium);
    color: var(--color-text-muted);
    cursor: pointer;
  }
  .dash__tab[aria-selected='true'] {
    color: var(--color-text);
    border-block-end-color: var(--color-accent);
  }
  .dash__panel {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 3);
    min-block-size: 0;
  }

  .tiles {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--tile-min-width), 1fr));
    gap: calc(var(--spacing) * 3);
  }
  .tile {
    gap: calc(var(--spacing) * 1);
  }
  .tile__label {
    font-size: var(--text-xs);
    font-weight: var(--font-weight-medium);
    color: var(--color-text-muted);
  }
  .tile__figure {
    display: flex;
    align-items: baseline;
    gap: calc(var(--spacing) * 1);
    font-variant-numeric: tabular-nums;
  }
  .tile__value {
    font-size: 1.5rem;
    font-weight: var(--font-weight-semibold);
    line-height: 1.2;
  }
  .tile__unit,
  .tile__detail,
  .tile__trend {
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .tile--warning .tile__detail {
    color: var(--color-warning-text);
  }
  .tile--danger .tile__detail {
    color: var(--color-danger-text);
  }
  .spark {
    inline-size: 100%;
    block-size: 24px;
    stroke: var(--chart-color-1);
    stroke-width: 1.5;
  }
  .tile--danger .spark {
    stroke: var(--chart-error-color);
  }

  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(18rem, 1fr));
    gap: calc(var(--spacing) * 3);
  }
  .chart {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 2);
    padding: calc(var(--spacing) * 3);
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
  }
  .chart__head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 2);
    font-size: var(--text-sm);
  }
  .chart__title {
    font-weight: var(--font-weight-semibold);
  }
  .chart__legend {
    display: inline-flex;
    flex: 1;
    gap: calc(var(--spacing) * 2);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .chart__key {
    display: inline-flex;
    align-items: center;
    white-space: nowrap;
  }
  .chart__key i {
    display: inline-block;
    inline-size: 10px;
    block-size: 3px;
    margin-inline-end: 4px;
    vertical-align: middle;
    background: var(--chart-color-1);
  }
  .chart__key--2 i {
    background: var(--chart-color-2);
  }
  .chart__key--3 i {
    background: var(--chart-color-3);
  }
  .chart__key--error i {
    background: var(--chart-error-color);
  }
  .chart__plot {
    position: relative;
    display: flex;
    flex-direction: column;
    gap: 2px;
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .chart__svg {
    inline-size: 100%;
    block-size: var(--chart-height);
    border-block-end: 1px solid var(--color-border);
  }
  /* Time runs the way the text reads. */
  :dir(rtl) .chart__svg,
  :dir(rtl) .spark {
    transform: scaleX(-1);
  }
  .chart__grid {
    stroke: var(--color-border);
    stroke-dasharray: 2 3;
  }
  .chart__line {
    stroke-width: 1.5;
    stroke-linejoin: round;
    stroke: var(--chart-color-1);
  }
  .chart__line--2 {
    stroke: var(--chart-color-2);
  }
  .chart__line--3 {
    stroke: var(--chart-color-3);
  }
  .chart__line--error {
    stroke: var(--chart-error-color);
  }
  .chart__axis {
    display: flex;
    justify-content: space-between;
  }
  .chart__table {
    max-block-size: calc(var(--chart-height) + 3rem);
  }

  /* Room settings: a plain form, one field under the other. */
  .settings {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 4);
    max-inline-size: 48rem;
  }
  .settings__field {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 1.5);
  }
  .settings__label {
    font-size: var(--text-sm);
    font-weight: var(--font-weight-medium);
  }
  .settings__control {
    padding: calc(var(--spacing) * 1.5) calc(var(--spacing) * 2);
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
    background: var(--color-surface);
    color: inherit;
    font: inherit;
    font-size: var(--text-sm);
  }
  .settings__control:disabled {
    cursor: not-allowed;
    opacity: 0.7;
  }
  select.settings__control {
    inline-size: max-content;
    min-inline-size: 12rem;
  }
  .settings__prompt {
    resize: vertical;
    min-block-size: 8lh;
  }
  .settings__help {
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .settings__actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 2);
  }
  .settings__result {
    font-size: var(--text-sm);
    color: var(--color-success-text);
  }
  .settings__result--bad {
    color: var(--color-danger-text);
  }
`;
