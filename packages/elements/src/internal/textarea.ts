/**
 * The textarea primitive's behaviour: grow with the content up to the CSS max-block-size, then
 * scroll. CSS `field-sizing: content` would do it alone, but not in every browser we support yet.
 */
export function autoGrow(textarea: HTMLTextAreaElement): void {
  if (CSS.supports?.('field-sizing', 'content')) {
    textarea.style.setProperty('field-sizing', 'content');
    return;
  }
  textarea.style.blockSize = 'auto';
  textarea.style.blockSize = `${textarea.scrollHeight + 2}px`;
}

/** Puts the caret at the end, e.g. after recalling a message into the composer. */
export function caretToEnd(textarea: HTMLTextAreaElement): void {
  const end = textarea.value.length;
  textarea.setSelectionRange(end, end);
}
