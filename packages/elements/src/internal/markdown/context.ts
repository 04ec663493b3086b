/** What the markdown renderer needs from the element that hosts it. */
export interface MarkdownStrings {
  /** Label of a code block's copy button. */
  copyCode: string;
  /** Shown (and announced) after copying. */
  copied: string;
  /** Shown when the clipboard refused; the code is selected instead. */
  copyFailed: string;
  /** Language label of a fenced block without a language. */
  codeLabel: string;
  /** Accessible name of a table's scroll region. */
  table: string;
  /** Accessible name of a task list item's box: done / not done. */
  taskDone: string;
  taskOpen: string;
  /** Text shown in place of an image (images are not loaded: no third-party fetches). */
  image: (alt: string) => string;
}

export const defaultMarkdownStrings: MarkdownStrings = {
  copyCode: 'Copy code',
  copied: 'Copied',
  copyFailed: 'Selected: press Ctrl+C to copy',
  codeLabel: 'code',
  table: 'Table',
  taskDone: 'Done',
  taskOpen: 'Not done',
  image: (alt) => (alt ? `Image: ${alt}` : 'Image'),
};
