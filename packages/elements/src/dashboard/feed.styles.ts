import { css } from 'lit';

/** <realstream-dashboard>'s tables and event feed. Logical properties only (RTL). */
export const feedStyles = css`
  .table-wrap {
    max-block-size: 24rem;
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
  }
  .table {
    inline-size: 100%;
    border-collapse: collapse;
    font-size: var(--text-sm);
    font-variant-numeric: tabular-nums;
  }
  .table :is(th, td) {
    padding: calc(var(--spacing) * 1.5) calc(var(--spacing) * 3);
    text-align: start;
    border-block-end: 1px solid var(--color-border);
  }
  .table thead th {
    position: sticky;
    inset-block-start: 0;
    background: var(--color-surface-raised);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .table tbody th {
    font-weight: var(--font-weight-medium);
  }
  .table__bad {
    color: var(--color-danger-text);
  }
  .table__link {
    color: var(--color-link);
    text-decoration: underline;
    cursor: pointer;
  }
  .table__party {
    margin-inline-start: calc(var(--spacing) * 2);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }

  .feed {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 2);
  }
  .feed__toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: calc(var(--spacing) * 2);
  }
  .feed__field {
    display: flex;
    flex-direction: column;
    gap: 2px;
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .feed__input {
    min-block-size: calc(var(--spacing) * 8);
    padding-inline: calc(var(--spacing) * 2);
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
    background: var(--color-surface);
    color: var(--color-text);
    font-size: var(--text-sm);
  }
  .feed__actions {
    display: inline-flex;
    gap: calc(var(--spacing) * 2);
    margin-inline-start: auto;
  }
  .feed__status {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 2);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .feed__body {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: calc(var(--spacing) * 3);
  }
  .feed__viewport {
    block-size: var(--feed-height);
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
    overflow-anchor: none;
  }
  .feed__spacer {
    position: relative;
  }
  .feed__rows {
    position: absolute;
    inset-inline: 0;
    inset-block-start: 0;
  }
  .feed__row {
    display: grid;
    grid-template-columns: 7.5em 3.5em minmax(8em, 1fr) 4em 5.5em minmax(4em, 8em) 4.5em;
    align-items: center;
    gap: calc(var(--spacing) * 2);
    inline-size: 100%;
    block-size: 30px;
    padding-inline: calc(var(--spacing) * 2);
    font-family: var(--font-mono);
    font-size: var(--text-xs);
    text-align: start;
    white-space: nowrap;
    cursor: pointer;
  }
  .feed__row > span {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .feed__row:hover,
  .feed__row--selected {
    background: var(--color-surface-raised);
  }
  .feed__row:focus-visible {
    outline-offset: -2px;
  }
  .feed__dir--in {
    color: var(--color-link);
  }
  .feed__dir--out {
    color: var(--color-success-text);
  }
  .feed__frame {
    display: flex;
    flex-direction: column;
    min-inline-size: 0;
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
    background: var(--color-surface-sunken);
  }
  .feed__frame-head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: calc(var(--spacing) * 2);
    padding-inline: calc(var(--spacing) * 3);
  }
  .feed__json {
    max-block-size: var(--feed-height);
    margin: 0;
    padding: calc(var(--spacing) * 3);
    font-family: var(--font-mono);
    font-size: var(--text-xs);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  @media (min-width: 60rem) {
    .feed__body:has(.feed__frame) {
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
    }
  }
`;
