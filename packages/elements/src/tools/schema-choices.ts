import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { getAt, type FieldModel } from './schema-model.js';
import {
  describedBy,
  empty,
  groupStar,
  marked,
  star,
  type FieldContext,
  type FieldSlot,
} from './schema-fields.js';

// Controls that pick among values (select, radios) and the JSON fallback.

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function renderSelect(
  ctx: FieldContext,
  slot: FieldSlot,
  m: FieldModel,
  options: unknown[],
  labels?: string[],
) {
  const d = describedBy(ctx, slot.path, m);
  const v = getAt(ctx.value, slot.path);
  const index = options.findIndex((o) => same(o, v));
  const blank = !slot.required || m.nullable || index < 0;
  return html`<div class="schema-form__field" part="field">
    <label class="schema-form__label" for=${d.id}>${slot.label}${star(marked(slot))}</label>
    <select
      id=${d.id}
      class="schema-form__control"
      part="control"
      ?required=${slot.required}
      ?disabled=${ctx.disabled}
      aria-invalid=${ifDefined(d.invalid)}
      aria-describedby=${ifDefined(d.ids)}
      @change=${(e: Event) => {
        const i = Number((e.target as HTMLSelectElement).value);
        ctx.set(slot.path, i < 0 ? empty(m, slot) : options[i]);
        ctx.touch(slot.path);
      }}
      @blur=${() => ctx.touch(slot.path)}
    >
      ${blank ? html`<option value="-1" ?selected=${index < 0}>${ctx.strings.none}</option>` : nothing}
      ${options.map(
        (o, i) =>
          html`<option value=${i} ?selected=${i === index}>${labels?.[i] ?? String(o)}</option>`,
      )}
    </select>
    ${d.notes}
  </div>`;
}

export function renderRadios(ctx: FieldContext, slot: FieldSlot, m: FieldModel) {
  const d = describedBy(ctx, slot.path, m);
  const v = getAt(ctx.value, slot.path);
  const choices = m.options!.map((o, i) => ({ o, label: m.labels?.[i] ?? String(o) }));
  if (!slot.required || m.nullable) choices.unshift({ o: undefined, label: ctx.strings.none });
  const pick = (o: unknown) => {
    ctx.set(slot.path, o === undefined ? empty(m, slot) : o);
    ctx.touch(slot.path);
  };
  return html`<fieldset
    class="schema-form__group schema-form__radios"
    part="group"
    aria-describedby=${ifDefined(d.ids)}
    aria-invalid=${ifDefined(d.invalid)}
  >
    <legend class="schema-form__legend">
      ${slot.label}${groupStar(marked(slot), ctx.strings)}
    </legend>
    ${choices.map(({ o, label }, i) => {
      const id = `${d.id}-${i}`;
      const checked = o === undefined ? v === undefined || v === null : same(o, v);
      return html`<div class="schema-form__check">
        <input
          id=${id}
          type="radio"
          name=${d.id}
          part="control"
          .checked=${checked}
          ?disabled=${ctx.disabled}
          ?required=${slot.required}
          @change=${() => pick(o)}
        />
        <label for=${id}>${label}</label>
      </div>`;
    })}
    ${d.notes}
  </fieldset>`;
}

/** Fallback for shapes with no better control: the field's JSON, parsed as the user types. */
export function renderJson(ctx: FieldContext, slot: FieldSlot, m: FieldModel) {
  const d = describedBy(ctx, slot.path, m);
  const v = getAt(ctx.value, slot.path);
  const text = ctx.draft(slot.path) ?? (v === undefined ? '' : JSON.stringify(v, null, 2));
  return html`<div class="schema-form__field" part="field">
    <label class="schema-form__label" for=${d.id}
      >${slot.label}${star(marked(slot))}
      <span class="schema-form__hint">${ctx.strings.jsonHint}</span></label
    >
    <textarea
      id=${d.id}
      class="schema-form__control schema-form__textarea schema-form__code"
      part="control json"
      rows="4"
      spellcheck="false"
      .value=${text}
      ?required=${slot.required}
      ?disabled=${ctx.disabled}
      aria-invalid=${ifDefined(d.invalid)}
      aria-describedby=${ifDefined(d.ids)}
      @input=${(e: Event) => ctx.setDraft(slot.path, (e.target as HTMLTextAreaElement).value)}
      @blur=${() => ctx.touch(slot.path)}
    ></textarea>
    ${d.notes}
  </div>`;
}
