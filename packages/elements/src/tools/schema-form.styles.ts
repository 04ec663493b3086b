import { css } from 'lit';

/**
 * <realstream-schema-form>'s own layout, on top of the shared sheet. Colours, radii and type come
 * from the sheet's theme variables, which read the public `--rs-*` tokens; logical properties
 * only (RTL).
 */
export const schemaFormStyles = css`
  :host {
    --gap: calc(var(--spacing) * 4);
    --control-radius: var(--radius-md);
    display: block;
  }
  .schema-form {
    display: flex;
    flex-direction: column;
    gap: var(--gap);
  }
  .schema-form__toolbar {
    display: flex;
    justify-content: flex-end;
  }
  .schema-form__field {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 1);
  }
  .schema-form__label,
  .schema-form__legend {
    font-size: var(--text-sm);
    font-weight: var(--font-weight-medium);
  }
  .schema-form__legend {
    padding-inline: calc(var(--spacing) * 1);
  }
  .schema-form__req {
    margin-inline-start: 0.25em;
    color: var(--color-danger-text);
  }
  .schema-form__hint {
    margin-inline-start: 0.5em;
    font-size: var(--text-xs);
    font-weight: var(--font-weight-normal);
    color: var(--color-text-muted);
  }
  .schema-form__control {
    inline-size: 100%;
    min-block-size: calc(var(--spacing) * 9);
    padding: calc(var(--spacing) * 1.5) calc(var(--spacing) * 2.5);
    border: 1px solid var(--color-border);
    border-radius: var(--control-radius);
    background: var(--color-surface);
    font-size: var(--text-sm);
  }
  .schema-form__control:focus-visible {
    outline: 2px solid var(--color-focus);
    outline-offset: 1px;
  }
  .schema-form__control[aria-invalid='true'] {
    border-color: var(--color-danger);
  }
  .schema-form__control[readonly] {
    background: var(--color-surface-sunken);
    color: var(--color-text-muted);
  }
  .schema-form__control:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .schema-form__textarea {
    resize: vertical;
  }
  .schema-form__code {
    font-family: var(--font-mono);
    font-size: var(--text-xs);
  }
  .schema-form__help {
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .schema-form__error {
    font-size: var(--text-xs);
    color: var(--color-danger-text);
  }
  .schema-form__group {
    display: flex;
    flex-direction: column;
    gap: calc(var(--gap) * 0.75);
    min-inline-size: 0;
    padding: calc(var(--spacing) * 3);
    border: 1px solid var(--color-border);
    border-radius: var(--radius-lg);
  }
  .schema-form__radios {
    gap: calc(var(--spacing) * 1.5);
  }
  .schema-form__check {
    display: flex;
    flex-direction: row;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 2);
    font-size: var(--text-sm);
  }
  .schema-form__check .schema-form__help,
  .schema-form__check .schema-form__error {
    flex-basis: 100%;
  }
  .schema-form__check input {
    inline-size: 1rem;
    block-size: 1rem;
    accent-color: var(--color-accent);
  }
  .schema-form__items {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 2);
  }
  .schema-form__item {
    display: flex;
    align-items: flex-start;
    gap: calc(var(--spacing) * 2);
  }
  .schema-form__item-body {
    flex: 1;
    min-inline-size: 0;
  }
  .schema-form__item-actions {
    display: flex;
    gap: calc(var(--spacing) * 0.5);
    padding-block-start: calc(var(--spacing) * 6);
  }
  .schema-form__add {
    align-self: flex-start;
  }
  .schema-form__variant {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 2);
  }
  .schema-form__summary:empty {
    display: none;
  }
  .schema-form__summary {
    font-size: var(--text-sm);
    color: var(--color-danger-text);
  }
`;
