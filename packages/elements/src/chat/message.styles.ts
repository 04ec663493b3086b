import { css } from 'lit';

/** Messages: avatar, meta line, bubbles for people, open layout for the assistant, states. */
export const messageStyles = css`
  .message {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    column-gap: calc(var(--spacing) * 3);
  }
  .message__avatar {
    display: grid;
    place-items: center;
    inline-size: calc(var(--spacing) * 7);
    block-size: calc(var(--spacing) * 7);
    border-radius: var(--radius-full);
    background: var(--color-surface-raised);
    color: var(--color-text-muted);
    font-size: 0.6875rem;
    font-weight: var(--font-weight-semibold);
  }
  .message--assistant .message__avatar {
    background: color-mix(in oklch, var(--color-accent-2) 16%, transparent);
    color: var(--color-accent-2);
    font-size: 0.875rem;
  }
  .message__meta {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--spacing) * 2);
    min-block-size: calc(var(--spacing) * 7);
    font-size: var(--text-xs);
    color: var(--color-text-muted);
  }
  .message__author {
    color: var(--color-text);
    font-size: var(--text-sm);
    font-weight: var(--font-weight-semibold);
  }
  .message__time {
    font-variant-numeric: tabular-nums;
  }
  .message__sent {
    display: inline-flex;
  }
  .message__sent svg,
  .message__error svg {
    inline-size: 0.875rem;
    block-size: 0.875rem;
  }
  .message__error {
    display: inline-flex;
    align-items: center;
    gap: calc(var(--spacing) * 1.5);
    margin-block-start: calc(var(--spacing) * 2);
    color: var(--color-danger-text);
    font-size: var(--text-sm);
  }
  .message__actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: flex-end;
    gap: calc(var(--spacing) * 2);
  }
  .message--assistant .message__actions {
    justify-content: flex-start;
  }
  .message__watchers {
    margin-block-start: calc(var(--spacing) * 1);
    color: var(--color-muted);
    font-size: var(--text-xs);
  }
  .message__tools {
    display: flex;
    flex-direction: column;
    gap: calc(var(--spacing) * 2);
    margin: calc(var(--spacing) * 2) 0 0;
    padding: 0;
    list-style: none;
  }
  .message__actions .message__error {
    margin: 0;
  }
  .message__thinking {
    display: inline-flex;
    padding-block: calc(var(--spacing) * 2);
    color: var(--color-text-muted);
  }
  /* Reasoning: quieter than the answer under it, its text as the model wrote it. */
  .message__reasoning {
    margin-block-end: calc(var(--spacing) * 2);
    color: var(--color-text-muted);
    font-size: var(--text-sm);
  }
  .message__reasoning summary {
    inline-size: fit-content;
    cursor: pointer;
  }
  .message__reasoning-body {
    margin-block-start: calc(var(--spacing) * 1.5);
    padding-inline-start: calc(var(--spacing) * 3);
    border-inline-start: 2px solid var(--color-border);
    white-space: pre-wrap;
  }
  /* The caret sits where the next word will appear: after the last line of text or code. */
  .message--streaming .message__body > :is(p, h1, h2, h3, h4, h5, h6):last-child::after,
  .message--streaming .message__body > :is(ul, ol):last-child > li:last-child::after,
  .message--streaming .message__body > .md-code:last-child code::after {
    content: '';
    display: inline-block;
    inline-size: 0.5em;
    block-size: 1em;
    margin-inline-start: 2px;
    vertical-align: -0.15em;
    border-radius: 2px;
    background: var(--color-accent-2);
    animation: rs-caret 1s steps(2, start) infinite;
  }
  /* People's messages are bubbles; the reader's own sit at the inline end, in the accent. */
  .message--mine,
  .message--other {
    grid-template-columns: auto minmax(0, 1fr);
  }
  .message--mine {
    grid-template-columns: minmax(0, 1fr);
  }
  .message--mine .message__avatar {
    display: none;
  }
  .message--mine .message__main {
    display: flex;
    flex-direction: column;
    align-items: flex-end;
    justify-self: end;
    max-inline-size: min(85%, 36rem);
  }
  .message--mine .message__body,
  .message--other .message__body {
    inline-size: fit-content;
    max-inline-size: 100%;
    padding: calc(var(--spacing) * 2) calc(var(--spacing) * 3.5);
    border-radius: var(--bubble-radius);
  }
  .message--mine .message__body {
    border-end-end-radius: var(--radius-sm);
    background: var(--bubble-background);
    color: var(--bubble-color);
  }
  .message--other .message__main {
    max-inline-size: min(85%, 36rem);
  }
  .message--other .message__body {
    border-start-start-radius: var(--radius-sm);
    background: var(--color-surface-raised);
  }
  .message--mine .md a,
  .message--mine .md blockquote {
    color: inherit;
  }
  .message--mine .md .md-codespan {
    background: color-mix(in oklch, currentColor 16%, transparent);
  }
  .message--sending .message__body {
    opacity: 0.75;
  }
  .message--failed .message__body {
    outline: 2px solid var(--color-danger);
    outline-offset: 2px;
  }

  .dots {
    display: inline-flex;
    gap: 3px;
  }
  .dots i {
    inline-size: 5px;
    block-size: 5px;
    border-radius: var(--radius-full);
    background: currentColor;
    animation: rs-bounce 1.2s ease-in-out infinite;
  }
  .dots i:nth-child(2) {
    animation-delay: 0.15s;
  }
  .dots i:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes rs-caret {
    to {
      visibility: hidden;
    }
  }
  @keyframes rs-bounce {
    0%,
    80%,
    100% {
      opacity: 0.3;
      transform: translateY(0);
    }
    40% {
      opacity: 1;
      transform: translateY(-3px);
    }
  }
`;
