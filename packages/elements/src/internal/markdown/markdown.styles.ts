import { css } from 'lit';

/** Prose styles for rendered markdown (`.md`), on the shared tokens. Logical properties: RTL works. */
export const markdownStyles = css`
  .md {
    overflow-wrap: anywhere;
  }
  .md > * + *,
  .md li > * + *,
  .md blockquote > * + * {
    margin-block-start: 0.75em;
  }
  .md :is(h1, h2, h3, h4, h5, h6) {
    font-weight: var(--font-weight-semibold);
    line-height: 1.3;
    letter-spacing: -0.01em;
  }
  .md > :is(h1, h2, h3, h4, h5, h6):not(:first-child) {
    margin-block-start: 1.25em;
  }
  .md h1 {
    font-size: 1.35em;
  }
  .md h2 {
    font-size: 1.2em;
  }
  .md h3 {
    font-size: 1.075em;
  }
  .md :is(ul, ol) {
    padding-inline-start: 1.5em;
  }
  .md ul {
    list-style: disc;
  }
  .md ul ul {
    list-style: circle;
  }
  .md ol {
    list-style: decimal;
  }
  .md li + li,
  .md li > :is(ul, ol) {
    margin-block-start: 0.25em;
  }
  .md li::marker {
    color: var(--color-text-muted);
  }
  .md .md-task {
    list-style: none;
  }
  .md .md-task__box {
    margin-inline: -1.25em 0.35em;
  }
  .md blockquote {
    border-inline-start: 3px solid var(--color-border);
    padding-inline-start: 1em;
    color: var(--color-text-muted);
  }
  .md a {
    color: var(--color-link);
    text-decoration: underline;
    text-decoration-thickness: 1px;
    text-underline-offset: 2px;
  }
  .md a:hover {
    text-decoration-thickness: 2px;
  }
  .md .md-link--blocked {
    color: var(--color-text-muted);
  }
  .md del {
    opacity: 0.7;
  }
  .md hr {
    border-block-start: 1px solid var(--color-border);
  }
  .md .md-codespan {
    font-family: var(--font-mono);
    font-size: 0.875em;
    padding: 0.1em 0.35em;
    border-radius: var(--radius-sm);
    background: var(--color-surface-raised);
  }
  .md .md-raw {
    white-space: pre-wrap;
    font-family: var(--font-mono);
    font-size: 0.875em;
    color: var(--color-text-muted);
  }
  .md-code {
    border: 1px solid var(--color-border);
    border-radius: var(--radius-lg);
    background: var(--color-surface-sunken);
    overflow: hidden;
  }
  .md-code__bar {
    display: flex;
    align-items: center;
    gap: calc(var(--spacing) * 2);
    padding-block: var(--spacing);
    padding-inline: calc(var(--spacing) * 3) var(--spacing);
    border-block-end: 1px solid var(--color-border);
    background: var(--color-surface-raised);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .md-code__lang {
    flex: 1;
    font-family: var(--font-mono);
  }
  .md-code__status {
    color: var(--color-success-text);
    font-weight: var(--font-weight-medium);
  }
  .md-code[data-copied] .md-code__copy {
    color: var(--color-success-text);
  }
  /* Code reads left to right in every language. */
  .md-code pre {
    direction: ltr;
    text-align: left;
    overflow-x: auto;
    padding: calc(var(--spacing) * 3) calc(var(--spacing) * 4);
    font-size: 0.8125rem;
    line-height: 1.6;
    tab-size: 2;
  }
  .md-code pre:focus-visible,
  .md-table:focus-visible {
    outline-offset: -2px;
  }
  .md-table {
    overflow-x: auto;
    border: 1px solid var(--color-border);
    border-radius: var(--radius-md);
  }
  .md table {
    min-inline-size: 100%;
    font-size: var(--text-sm);
  }
  .md :is(th, td) {
    padding: calc(var(--spacing) * 1.5) calc(var(--spacing) * 3);
    border-block-end: 1px solid var(--color-border);
    text-align: start;
    vertical-align: top;
  }
  .md th {
    font-weight: var(--font-weight-semibold);
    background: var(--color-surface-raised);
  }
  .md tr:last-child td {
    border-block-end: 0;
  }
  .md .md-align-center {
    text-align: center;
  }
  .md .md-align-right {
    text-align: end;
  }
`;
