import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { regexProblem } from '@realstream/protocol';
import {
  asSchema,
  describe,
  fieldId,
  formatHints,
  getAt,
  pointer,
  requiredOf,
  type FieldModel,
  type JsonSchema,
  type Path,
} from './schema-model.js';
import type { SchemaFormStrings } from './schema-strings.js';
import { renderArray, renderVariants } from './schema-groups.js';
import { renderJson, renderRadios, renderSelect } from './schema-choices.js';

/** What a field renderer needs from the form: the value, its messages and ways to change them. */
export interface FieldContext {
  root: JsonSchema;
  value: unknown;
  strings: SchemaFormStrings;
  disabled: boolean;
  /** The message to show at this pointer now (after blur or submit), if any. */
  message(pointer: string): string | undefined;
  /** Records that a control exists for this pointer, so errors below it land here. */
  claim(pointer: string): void;
  set(path: Path, next: unknown): void;
  touch(path: Path): void;
  /** Text typed into a JSON field that does not parse yet, kept so it is not lost. */
  draft(path: Path): string | undefined;
  setDraft(path: Path, text: string): void;
  /** Moves focus after the next render, e.g. to follow an array row that moved. */
  focusLater(find: (root: ShadowRoot) => HTMLElement | null | undefined): void;
}

export interface FieldSlot {
  path: Path;
  raw: unknown;
  required: boolean;
  label: string;
}

const labelOf = (m: FieldModel, fallback: string) =>
  typeof m.schema.title === 'string' && m.schema.title ? m.schema.title : fallback;

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * The pattern for the control's `pattern` attribute, which the browser runs on every keystroke:
 * only one that matches in linear time (validateValue reports the others).
 */
const safePattern = (p: unknown) =>
  typeof p === 'string' && regexProblem(p) === null ? p : undefined;

/** Help and error text under a control, with the ids aria-describedby points at. */
export function describedBy(ctx: FieldContext, path: Path, m: FieldModel) {
  const id = fieldId(path);
  const ptr = pointer(path);
  ctx.claim(ptr);
  const msg = ctx.message(ptr);
  const help = typeof m.schema.description === 'string' ? m.schema.description : '';
  const ids = [help ? `${id}-help` : '', msg ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    invalid: msg ? 'true' : undefined,
    ids: ids || undefined,
    notes: html`${
      help ? html`<p id="${id}-help" class="schema-form__help" part="help">${help}</p>` : nothing
    }${
      msg ? html`<p id="${id}-error" class="schema-form__error" part="error">${msg}</p>` : nothing
    }`,
  };
}

/** The required marker: the control's `required` says it to assistive tech, so hide the star. */
/** Array rows are always present once added, so marking each one required is only noise. */
export const marked = (slot: FieldSlot) => slot.required && typeof slot.path.at(-1) !== 'number';

export const star = (required: boolean) =>
  required ? html`<span class="schema-form__req" aria-hidden="true">*</span>` : nothing;

/** For groups there is no `required` attribute, so the word is read out instead. */
export const groupStar = (required: boolean, s: SchemaFormStrings) =>
  required
    ? html`<span class="schema-form__req"
        ><span aria-hidden="true">*</span><span class="rs-sr-only"> ${s.required}</span></span
      >`
    : nothing;

/** The value an emptied control stands for: absent, or null when the field must be present. */
export const empty = (m: FieldModel, slot: FieldSlot) =>
  m.nullable && slot.required ? null : typeof slot.path.at(-1) === 'number' ? null : undefined;

export function renderField(ctx: FieldContext, slot: FieldSlot): TemplateResult {
  const m = describe(ctx.root, slot.raw);
  const label = labelOf(m, slot.label);
  const s = { ...slot, label };
  switch (m.kind) {
    case 'object':
      return renderObject(ctx, s, m);
    case 'array':
      return renderArray(ctx, s, m);
    case 'variants':
      return renderVariants(ctx, s, m);
    case 'boolean':
      return m.nullable
        ? renderSelect(ctx, s, m, [true, false], [ctx.strings.yes, ctx.strings.no])
        : renderCheckbox(ctx, s, m);
    case 'enum':
      return m.options!.length <= 3
        ? renderRadios(ctx, s, m)
        : renderSelect(ctx, s, m, m.options!, m.labels);
    case 'json':
      return renderJson(ctx, s, m);
    default:
      return renderInput(ctx, s, m);
  }
}

/** The root object's fields, without a fieldset: the form itself is the group. */
export function renderProperties(ctx: FieldContext, path: Path, schema: JsonSchema) {
  const req = requiredOf(schema);
  return Object.entries(asSchema(schema.properties)).map(([key, raw]) =>
    renderField(ctx, { path: [...path, key], raw, required: req.includes(key), label: key }),
  );
}

function renderObject(ctx: FieldContext, slot: FieldSlot, m: FieldModel) {
  const d = describedBy(ctx, slot.path, m);
  const v = getAt(ctx.value, slot.path);
  const isNull = m.nullable && v === null;
  return html`<fieldset
    class="schema-form__group"
    part="group"
    aria-describedby=${ifDefined(d.ids)}
  >
    <legend class="schema-form__legend">
      ${slot.label}${groupStar(marked(slot), ctx.strings)}
    </legend>
    ${d.notes} ${m.nullable ? nullToggle(ctx, slot, isNull, {}) : nothing}
    ${isNull ? nothing : renderProperties(ctx, slot.path, m.schema)}
  </fieldset>`;
}

/** "No value (null)" for a nullable group, which has no empty state of its own. */
export function nullToggle(ctx: FieldContext, slot: FieldSlot, isNull: boolean, fresh: unknown) {
  const id = `${fieldId(slot.path)}-null`;
  return html`<div class="schema-form__check">
    <input
      id=${id}
      type="checkbox"
      .checked=${isNull}
      ?disabled=${ctx.disabled}
      @change=${(e: Event) => {
        ctx.set(slot.path, (e.target as HTMLInputElement).checked ? null : fresh);
        ctx.touch(slot.path);
      }}
    />
    <label for=${id}>${ctx.strings.nullValue}</label>
  </div>`;
}

function renderInput(ctx: FieldContext, slot: FieldSlot, m: FieldModel) {
  const d = describedBy(ctx, slot.path, m);
  const sc = m.schema;
  const v = getAt(ctx.value, slot.path);
  const text = v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
  const numeric = m.kind === 'number' || m.kind === 'integer';
  const hints = numeric ? { type: 'number' } : formatHints(sc.format);
  const onInput = (e: Event) => {
    const raw = (e.target as HTMLInputElement | HTMLTextAreaElement).value;
    if (m.kind === 'const') return;
    if (raw === '') return ctx.set(slot.path, empty(m, slot));
    if (numeric) return ctx.set(slot.path, Number(raw));
    ctx.set(slot.path, raw);
  };
  const common = {
    minlength: num(sc.minLength),
    maxlength: num(sc.maxLength),
  };
  const control =
    m.kind === 'text'
      ? html`<textarea
          id=${d.id}
          class="schema-form__control schema-form__textarea"
          part="control"
          rows="4"
          .value=${text}
          ?required=${slot.required}
          ?disabled=${ctx.disabled}
          minlength=${ifDefined(common.minlength)}
          maxlength=${ifDefined(common.maxlength)}
          aria-invalid=${ifDefined(d.invalid)}
          aria-describedby=${ifDefined(d.ids)}
          @input=${onInput}
          @blur=${() => ctx.touch(slot.path)}
        ></textarea>`
      : html`<input
          id=${d.id}
          class="schema-form__control"
          part="control"
          type=${hints.type}
          inputmode=${ifDefined(numeric ? (m.kind === 'integer' ? 'numeric' : 'decimal') : hints.inputmode)}
          placeholder=${ifDefined(hints.placeholder)}
          .value=${m.kind === 'const' ? (typeof sc.const === 'string' ? sc.const : JSON.stringify(sc.const)) : text}
          ?readonly=${m.kind === 'const'}
          ?required=${slot.required}
          ?disabled=${ctx.disabled}
          minlength=${ifDefined(common.minlength)}
          maxlength=${ifDefined(common.maxlength)}
          pattern=${ifDefined(safePattern(sc.pattern))}
          min=${ifDefined(num(sc.minimum) ?? num(sc.exclusiveMinimum))}
          max=${ifDefined(num(sc.maximum) ?? num(sc.exclusiveMaximum))}
          step=${ifDefined(numeric ? (num(sc.multipleOf) ?? (m.kind === 'integer' ? 1 : 'any')) : undefined)}
          aria-invalid=${ifDefined(d.invalid)}
          aria-describedby=${ifDefined(d.ids)}
          @input=${onInput}
          @blur=${() => ctx.touch(slot.path)}
        />`;
  return html`<div class="schema-form__field" part="field">
    <label class="schema-form__label" for=${d.id}>${slot.label}${star(marked(slot))}</label>
    ${control}${d.notes}
  </div>`;
}

function renderCheckbox(ctx: FieldContext, slot: FieldSlot, m: FieldModel) {
  const d = describedBy(ctx, slot.path, m);
  return html`<div class="schema-form__field schema-form__check" part="field">
    <input
      id=${d.id}
      type="checkbox"
      part="control"
      .checked=${getAt(ctx.value, slot.path) === true}
      ?disabled=${ctx.disabled}
      aria-invalid=${ifDefined(d.invalid)}
      aria-describedby=${ifDefined(d.ids)}
      @change=${(e: Event) => {
        ctx.set(slot.path, (e.target as HTMLInputElement).checked);
        ctx.touch(slot.path);
      }}
      @blur=${() => ctx.touch(slot.path)}
    />
    <label class="schema-form__label" for=${d.id}>${slot.label}</label>
    ${d.notes}
  </div>`;
}
