/** Inline content. Text is final: entities decoded, escapes applied, ready for a text binding. */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'codespan'; text: string }
  | { type: 'br' }
  | { type: 'em' | 'strong' | 'del'; tokens: Inline[] }
  | { type: 'link'; href: string; title: string | null; tokens: Inline[] }
  /** `text` is the alt text; images are shown as links, never loaded. */
  | { type: 'image'; href: string; title: string | null; text: string };

export type InlineType = Inline['type'];

/** What a reference definition (`[label]: href "title"`) points at. */
export interface LinkTarget {
  href: string;
  title: string | null;
}

/** Reference definitions by normalised label (see normalizeLabel). */
export type Links = Record<string, LinkTarget>;

export type Align = 'left' | 'center' | 'right' | null;

/** Something holding inline tokens, filled once every reference definition is known. */
export interface InlineHolder {
  tokens: Inline[];
}

export interface ListItem {
  task: boolean;
  checked: boolean;
  tokens: Block[];
}

/**
 * Block tokens. `raw` is the source a top-level block covers (its lines with their newlines), so
 * the raws of a text's blocks add up to the text; blocks nested in quotes and lists leave it empty.
 */
export type Block = { raw: string } & (
  | { type: 'space' }
  | { type: 'hr' }
  | { type: 'def'; label: string; href: string; title: string | null }
  /** `text`: a paragraph in a tight list item, rendered without <p>. */
  | { type: 'paragraph' | 'text'; tokens: Inline[] }
  | { type: 'heading'; depth: number; tokens: Inline[] }
  | { type: 'code'; lang: string; text: string }
  /** Raw HTML, kept as the text it is: it is shown, never parsed. */
  | { type: 'html'; text: string }
  | { type: 'blockquote'; tokens: Block[] }
  | { type: 'list'; ordered: boolean; start: number; items: ListItem[] }
  | { type: 'table'; align: Align[]; header: InlineHolder[]; rows: InlineHolder[][] }
);

export type BlockOf<T extends Block['type']> = Extract<Block, { type: T }>;
