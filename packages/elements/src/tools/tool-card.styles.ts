import { css } from 'lit';

/** A tool call's card: shared by <realstream-chat> and <realstream-tools>. Logical properties. */
export const toolCardStyles = css`
  .tool-card {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 1.5);
    padding: calc(var(--spacing) * 2) calc(var(--spacing) * 3);
    border: 1px solid var(--color-border);
    border-inline-start: 3px solid var(--color-border);
    border-radius: var(--radius-md);
    background: var(--color-surface-sunken);
    font-size: var(--text-sm);
  }
  .tool-card--running {
    border-inline-start-color: var(--color-accent);
  }
  .tool-card--awaiting_approval,
  .tool-card--denied {
    border-inline-start-color: var(--color-warning);
  }
  .tool-card--done {
    border-inline-start-color: var(--color-success);
  }
  .tool-card--error,
  .tool-card--timeout {
    border-inline-start-color: var(--color-danger);
  }
  .tool-card__head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 2);
  }
  .tool-card__name {
    font-family: var(--font-mono);
    font-weight: var(--font-weight-semibold);
    color: var(--color-text);
  }
  .tool-card__caller,
  .tool-card__duration,
  .tool-card__note {
    color: var(--color-text-muted);
    font-size: var(--text-xs);
  }
  .tool-card__duration {
    margin-inline-start: auto;
    font-variant-numeric: tabular-nums;
  }
  .tool-card summary {
    cursor: pointer;
    inline-size: fit-content;
    color: var(--color-text-muted);
    font-size: var(--text-xs);
  }
  .tool-card summary:focus-visible {
    outline: 2px solid var(--color-focus);
    outline-offset: 2px;
    border-radius: var(--radius-md);
  }
  .tool-card__json,
  .tool-card__log {
    margin: 0;
    padding: calc(var(--spacing) * 2);
    border-radius: var(--radius-md);
    background: var(--color-surface);
    font-family: var(--font-mono);
    font-size: var(--text-xs);
    line-height: 1.5;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  details > .tool-card__json {
    margin-block-start: var(--spacing);
  }
  .tool-card__log {
    color: var(--color-text-muted);
  }
  .tool-card__progress {
    display: flex;
    flex-direction: column;
    gap: var(--spacing);
  }
  .tool-card__progress progress {
    inline-size: 100%;
    block-size: 6px;
    appearance: none;
    border: 0;
    border-radius: var(--radius-full);
    overflow: hidden;
    background: var(--color-surface-raised);
  }
  .tool-card__progress progress::-webkit-progress-bar {
    background: var(--color-surface-raised);
  }
  .tool-card__progress progress::-webkit-progress-value {
    background: var(--color-accent);
    transition: inline-size 200ms var(--ease-out);
  }
  .tool-card__progress progress::-moz-progress-bar {
    background: var(--color-accent);
  }
  .tool-card__error {
    color: var(--color-danger-text);
  }
  .tool-card__error--soft {
    color: var(--color-text-muted);
  }
  .tool-card__actions {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--spacing) * 2);
  }
  .mcp-result {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 1.5);
    min-inline-size: 0;
  }
  .mcp-part--text,
  .mcp-part--resource pre {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font-family: inherit;
  }
  .mcp-part--image {
    max-inline-size: 100%;
    block-size: auto;
    border-radius: var(--radius-md);
  }
  .mcp-part--placeholder,
  .mcp-part__note {
    margin: 0;
    color: var(--color-text-muted);
  }
  .mcp-part--link {
    margin: 0;
    overflow-wrap: anywhere;
  }
`;
