import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { SchemaFormStrings } from './schema-strings.js';
import type { FieldError } from './schema-validate.js';

/** `#/a~1b/0` as a person reads it: `a/b/0`. */
const where = (p: string) => decodeURI(p.slice(2)).replace(/~1/g, '/').replace(/~0/g, '~');

/** Raw JSON mode: the whole arguments object in one textarea, errors listed with their path. */
export function renderRaw(o: {
  strings: SchemaFormStrings;
  text: string;
  errors: FieldError[];
  disabled: boolean;
  input: (text: string) => void;
  blur: () => void;
}) {
  const invalid = o.errors.length > 0;
  return html`<div class="schema-form__field" part="field">
    <label class="schema-form__label" for="raw">${o.strings.rawLabel}</label>
    <textarea
      id="raw"
      class="schema-form__control schema-form__textarea schema-form__code"
      part="control raw"
      rows="10"
      spellcheck="false"
      .value=${o.text}
      ?disabled=${o.disabled}
      aria-invalid=${ifDefined(invalid ? 'true' : undefined)}
      aria-describedby=${ifDefined(invalid ? 'raw-error' : undefined)}
      @input=${(e: Event) => o.input((e.target as HTMLTextAreaElement).value)}
      @blur=${o.blur}
    ></textarea>
    ${
      invalid
        ? html`<ul id="raw-error" class="schema-form__error" part="error">
            ${o.errors.map(
              (e) => html`<li>${e.pointer === '#' ? '' : `${where(e.pointer)}: `}${e.message}</li>`,
            )}
          </ul>`
        : nothing
    }
  </div>`;
}
