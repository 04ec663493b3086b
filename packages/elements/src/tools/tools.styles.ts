import { css } from 'lit';

/** <realstream-tools>' own layout, on top of the shared sheet. Logical properties only (RTL). */
export const toolsStyles = css`
  :host {
    --height: auto;
    --list-width: 18rem;
    --pane-padding: calc(var(--spacing) * 4);
    display: block;
    block-size: var(--height);
    container-type: inline-size;
  }
  .tools {
    display: flex;
    flex-direction: column;
    block-size: 100%;
    background: var(--color-surface);
    color: var(--color-text);
    font-size: var(--text-sm);
  }
  .tools__header {
    display: flex;
    align-items: center;
    gap: calc(var(--spacing) * 3);
    min-block-size: calc(var(--spacing) * 12);
    padding: calc(var(--spacing) * 2) var(--pane-padding);
    border-block-end: 1px solid var(--color-border);
  }
  .tools__title {
    flex: 1;
    font-weight: var(--font-weight-semibold);
    font-size: var(--text-base);
  }
  .tools__body {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    flex: 1;
    min-block-size: 0;
  }
  @container (min-width: 40rem) {
    .tools__body {
      grid-template-columns: var(--list-width) minmax(0, 1fr);
    }
    .tools__list-pane {
      border-inline-end: 1px solid var(--color-border);
      border-block-end: 0;
    }
  }
  .tools__list-pane,
  .tools__main {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 3);
    min-block-size: 0;
    padding: var(--pane-padding);
    overflow-y: auto;
  }
  .tools__list-pane {
    border-block-end: 1px solid var(--color-border);
  }
  .tools__search {
    inline-size: 100%;
    padding: calc(var(--spacing) * 1.5) calc(var(--spacing) * 3);
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
    background: var(--color-surface);
    color: inherit;
    font: inherit;
  }
  .tools__search:focus-visible,
  .tool__pick:focus-visible,
  .tool__switch:focus-visible {
    outline: 2px solid var(--color-focus);
    outline-offset: 2px;
  }
  .tools__reason,
  .tools__hint,
  .tools__empty {
    color: var(--color-text-muted);
    font-size: var(--text-xs);
  }
  .tools__list {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 1);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .tool {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    align-items: center;
    gap: calc(var(--spacing) * 1) calc(var(--spacing) * 2);
    padding: calc(var(--spacing) * 2);
    border: 1px solid transparent;
    border-radius: var(--radius-md);
  }
  .tool--selected {
    border-color: color-mix(in oklch, var(--color-accent) 45%, var(--color-border));
    background: color-mix(in oklch, var(--color-accent) 7%, var(--color-surface));
  }
  .tool__pick {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 2px;
    min-inline-size: 0;
    padding: 0;
    border-radius: var(--radius-sm);
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .tool__title,
  .tools__detail-title {
    font-weight: var(--font-weight-semibold);
  }
  .tool__name {
    color: var(--color-text-muted);
    font-family: var(--font-mono);
    font-size: var(--text-xs);
  }
  .tool__badges {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--spacing) * 1);
    grid-column: 1 / -1;
  }
  .tool__switch {
    grid-row: 1;
    grid-column: 2;
    position: relative;
    inline-size: 2.25rem;
    block-size: 1.25rem;
    padding: 0;
    border-radius: var(--radius-full);
    background: var(--color-neutral-400);
    cursor: pointer;
    transition: background-color 120ms var(--ease-out);
  }
  .tool__switch[aria-checked='true'] {
    background: var(--color-accent);
  }
  .tool__switch[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.55;
  }
  .tool__knob {
    position: absolute;
    inset-block-start: 2px;
    inset-inline-start: 2px;
    inline-size: calc(1.25rem - 4px);
    block-size: calc(1.25rem - 4px);
    border-radius: var(--radius-full);
    background: var(--color-neutral-0);
    box-shadow: var(--shadow-sm);
    transition: inset-inline-start 120ms var(--ease-out);
  }
  .tool__switch[aria-checked='true'] .tool__knob {
    inset-inline-start: calc(100% - 1.25rem + 2px);
  }
  .tools__detail {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 3);
  }
  .tools__detail-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: calc(var(--spacing) * 2);
    font-size: var(--text-base);
  }
  .tools__description {
    color: var(--color-text-muted);
  }
  .tools__run {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 3);
  }
  .tools__error {
    color: var(--color-danger-text);
  }
  .tools__history {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 2);
    padding-block-start: calc(var(--spacing) * 3);
    border-block-start: 1px solid var(--color-border);
  }
  .tools__section-title {
    color: var(--color-text-muted);
    font-size: var(--text-xs);
    font-weight: var(--font-weight-semibold);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .tools__calls {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 2);
    margin: 0;
    padding: 0;
    list-style: none;
  }
  [hidden] {
    display: none !important;
  }
`;
