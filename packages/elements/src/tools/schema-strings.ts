/**
 * Every word `<realstream-schema-form>` shows, in one place. Set `strings` to a partial object to
 * translate or reword any of them; functions receive what the sentence needs.
 */
export const defaultSchemaFormStrings = {
  required: 'required',
  requiredError: 'This field is required.',
  typeError: (expected: string) =>
    ({
      integer: 'Enter a whole number.',
      number: 'Enter a number.',
      string: 'Enter text.',
      boolean: 'Choose yes or no.',
      array: 'Enter a list.',
      object: 'Enter an object.',
      null: 'Leave this empty.',
    })[expected] ?? `Expected ${expected}.`,
  tooShort: (n: number) => `Enter at least ${n} character${n === 1 ? '' : 's'}.`,
  tooLong: (n: number) => `Enter at most ${n} character${n === 1 ? '' : 's'}.`,
  pattern: (pattern: string) => `Use the expected format (${pattern}).`,
  format: (format: string) =>
    ({
      email: 'Enter an email address, like name@example.com.',
      uri: 'Enter a full URL, like https://example.com.',
      url: 'Enter a full URL, like https://example.com.',
      date: 'Enter a date, like 2026-01-31.',
      'date-time': 'Enter a date and time with a zone, like 2026-01-31T09:30:00Z.',
      time: 'Enter a time with a zone, like 09:30:00Z.',
    })[format] ?? `Enter a valid ${format}.`,
  min: (n: string) => `Enter ${n} or more.`,
  max: (n: string) => `Enter ${n} or less.`,
  exclusiveMin: (n: string) => `Enter more than ${n}.`,
  exclusiveMax: (n: string) => `Enter less than ${n}.`,
  multipleOf: (n: string) => `Enter a multiple of ${n}.`,
  minItems: (n: number) => `Add at least ${n} item${n === 1 ? '' : 's'}.`,
  maxItems: (n: number) => `Add at most ${n} item${n === 1 ? '' : 's'}.`,
  uniqueItems: 'Items must all be different.',
  choice: 'Choose one of the options.',
  variant: 'This does not match any of the allowed shapes.',
  notAllowed: 'This property is not allowed here.',
  jsonSyntax: (line: number, column: number, found: string) =>
    found
      ? `Invalid JSON at line ${line}, column ${column}: unexpected ${found}.`
      : `Invalid JSON at line ${line}, column ${column}: it ends too early.`,
  summary: (count: number) => `Fix ${count} problem${count === 1 ? '' : 's'} before running.`,
  unsafeSchema: (problem: string) =>
    `This tool cannot be run from here: its schema could freeze the page, so it is not checked (${problem}).`,
  tooDeep: (levels: number) => `This nests deeper than ${levels} levels, more than a call may.`,
  // controls
  none: '(none)',
  yes: 'true',
  no: 'false',
  nullValue: 'No value (null)',
  item: (n: number) => `Item ${n}`,
  addItem: (label: string) => `Add to ${label}`,
  removeItem: (n: number) => `Remove item ${n}`,
  moveUp: (n: number) => `Move item ${n} up`,
  moveDown: (n: number) => `Move item ${n} down`,
  itemCount: (count: number, min?: number, max?: number) =>
    `${count} item${count === 1 ? '' : 's'}` +
    (min !== undefined && max !== undefined
      ? ` (${min}–${max})`
      : min !== undefined
        ? ` (at least ${min})`
        : max !== undefined
          ? ` (at most ${max})`
          : ''),
  variantLabel: (label: string) => `${label}: kind`,
  variantOption: (n: number) => `Option ${n}`,
  jsonHint: 'JSON',
  rawMode: 'Edit as JSON',
  rawLabel: 'Arguments (JSON)',
  formMode: 'Edit as form',
  run: 'Run',
};

export type SchemaFormStrings = typeof defaultSchemaFormStrings;
