import { css } from 'lit';

/**
 * <realstream-chat>'s own layout, on top of the shared sheet. Logical properties only (RTL).
 * (No comments inside the css``: they ship.) A failure's reason is a sentence (what is wrong, what
 * happens next): the header wraps so the status can take a line of its own under the title, and
 * the link pill wraps the sentence rather than run past the chat's edge.
 */
export const chatStyles = css`
  :host {
    --max-width: 46rem;
    --height: 100%;
    --bubble-radius: var(--radius-xl);
    --bubble-background: var(--color-accent);
    --bubble-color: var(--color-on-accent);
    --transcript-padding: calc(var(--spacing) * 4);
    display: block;
    block-size: var(--height);
    min-block-size: 320px;
  }
  .chat {
    position: relative;
    display: flex;
    flex-direction: column;
    block-size: 100%;
    background: var(--color-surface);
  }
  .chat__header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 3);
    min-block-size: calc(var(--spacing) * 12);
    padding: calc(var(--spacing) * 2) calc(var(--spacing) * 4);
    border-block-end: 1px solid var(--color-border);
  }
  .chat__title {
    flex: 1;
    min-inline-size: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: var(--font-weight-semibold);
  }
  .chat__status,
  .chat__clear,
  .chat__link,
  .chat__typing {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--spacing) * 2);
  }
  .chat__status {
    flex-wrap: wrap;
    justify-content: flex-end;
    max-inline-size: 100%;
  }
  .chat__link {
    min-inline-size: 0;
  }
  .chat__link .rs-badge {
    white-space: normal;
    overflow-wrap: anywhere;
  }
  .chat__clear-question {
    font-size: var(--text-xs);
    color: var(--color-danger-text);
  }
  .chat__typing {
    gap: calc(var(--spacing) * 1.5);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .chat__body {
    position: relative;
    display: flex;
    flex: 1;
    min-block-size: 0;
  }
  .chat__transcript {
    flex: 1;
    overflow-y: auto;
    overflow-anchor: none;
    overscroll-behavior: contain;
    padding: var(--transcript-padding);
  }
  .chat__transcript:focus-visible {
    outline-offset: -2px;
  }
  .chat__column {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 6);
    min-block-size: 100%;
    max-inline-size: var(--max-width);
    margin-inline: auto;
  }
  .chat__history {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: calc(var(--spacing) * 2);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .chat__empty {
    margin-block: auto;
    text-align: center;
    color: var(--color-text-muted);
  }
  .chat__empty-mark {
    font-size: 1.75rem;
    color: var(--color-accent-2);
  }
  .chat__empty-title {
    color: var(--color-text);
    font-size: var(--text-lg);
    font-weight: var(--font-weight-semibold);
  }
  .chat__jump {
    position: absolute;
    inset-block-end: calc(var(--spacing) * 3);
    inset-inline-start: 50%;
    translate: -50% 0;
    border-radius: var(--radius-full);
    box-shadow: var(--shadow-md);
  }
  :dir(rtl) .chat__jump {
    translate: 50% 0;
  }
  .chat__footer {
    padding-inline: calc(var(--spacing) * 4);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
    text-align: center;
  }

  .composer {
    inline-size: 100%;
    max-inline-size: calc(var(--max-width) + var(--transcript-padding) * 2);
    margin-inline: auto;
    padding: calc(var(--spacing) * 2) var(--transcript-padding) calc(var(--spacing) * 2);
  }
  .composer__input {
    field-sizing: content;
    min-block-size: calc(1lh + var(--spacing) * 2);
  }
  .composer__field .rs-button {
    border-radius: var(--radius-full);
  }
  .composer__meta {
    display: flex;
    justify-content: space-between;
    gap: calc(var(--spacing) * 3);
    min-block-size: 1lh;
    padding-inline: calc(var(--spacing) * 2);
    padding-block-start: var(--spacing);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .composer__reason {
    color: var(--color-text);
  }
  .composer__counter {
    margin-inline-start: auto;
    font-variant-numeric: tabular-nums;
  }
  .composer__counter--over {
    color: var(--color-danger-text);
    font-weight: var(--font-weight-semibold);
  }
`;
