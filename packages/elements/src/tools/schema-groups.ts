import { html, nothing, svg } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { icons } from '../internal/icons.js';
import {
  describe,
  fieldId,
  getAt,
  initial,
  itemInitial,
  variantIndex,
  type FieldModel,
} from './schema-model.js';
import {
  describedBy,
  groupStar,
  marked,
  nullToggle,
  renderField,
  type FieldContext,
  type FieldSlot,
} from './schema-fields.js';

// Drawn like internal/icons.ts (16 px, stroke, decorative); that set has no "up" or "plus".
const glyph = (d: string) =>
  svg`<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d=${d}/></svg>`;
const up = glyph('M8 13V3M3.5 7.5 8 3l4.5 4.5');
const plus = glyph('M8 3v10M3 8h10');

/** The icon-only button primitive's markup (internal/button.ts), with this folder's icons. */
const iconButton = (
  label: string,
  icon: unknown,
  id: string,
  disabled: boolean,
  onClick: () => void,
) =>
  html`<button
    type="button"
    id=${id}
    class="rs-button rs-button--icon rs-button--small"
    aria-label=${label}
    data-tooltip=${label}
    ?disabled=${disabled}
    @click=${onClick}
  >
    ${icon}
  </button>`;

const n = (v: unknown) => (typeof v === 'number' ? v : undefined);

export function renderArray(ctx: FieldContext, slot: FieldSlot, m: FieldModel) {
  const d = describedBy(ctx, slot.path, m);
  const s = ctx.strings;
  const raw = getAt(ctx.value, slot.path);
  const isNull = m.nullable && raw === null;
  const items = Array.isArray(raw) ? raw : [];
  const min = n(m.schema.minItems);
  const max = n(m.schema.maxItems);
  const write = (next: unknown[]) => {
    ctx.set(slot.path, next);
    ctx.touch(slot.path);
  };
  const id = (i: number, what: string) => `${fieldId([...slot.path, i])}-${what}`;
  const byId =
    (...ids: string[]) =>
    (r: ShadowRoot) =>
      ids.map((i) => r.getElementById(i) as HTMLButtonElement | null).find((b) => b && !b.disabled);
  // Keyboard users keep their place: focus follows the moved row, goes to the row that took a
  // removed row's place, and into a new row.
  const move = (i: number, to: number) => {
    const next = [...items];
    [next[i], next[to]] = [next[to], next[i]];
    write(next);
    const dir = to < i ? ['up', 'down'] : ['down', 'up'];
    ctx.focusLater(byId(id(to, dir[0]), id(to, dir[1])));
  };
  const remove = (i: number) => {
    write(items.filter((_, j) => j !== i));
    const addId = `${fieldId(slot.path)}-add`;
    ctx.focusLater(byId(id(i, 'remove'), id(i - 1, 'remove'), addId));
  };
  const add = () => {
    write([...items, itemInitial(ctx.root, m.schema.items)]);
    ctx.focusLater((r) =>
      r.getElementById(id(items.length, 'row'))?.querySelector('input, select, textarea'),
    );
  };
  return html`<fieldset
    class="schema-form__group"
    part="group array"
    aria-describedby=${ifDefined(d.ids)}
  >
    <legend class="schema-form__legend">${slot.label}${groupStar(marked(slot), s)}</legend>
    ${d.notes} ${m.nullable ? nullToggle(ctx, slot, isNull, []) : nothing}
    ${
      isNull
        ? nothing
        : html`<ol class="schema-form__items" aria-label=${s.itemCount(items.length, min, max)}>
              ${items.map(
                (_, i) =>
                  html`<li id=${id(i, 'row')} class="schema-form__item" part="item">
                    <div class="schema-form__item-body">
                      ${renderField(ctx, {
                        path: [...slot.path, i],
                        raw: m.schema.items,
                        required: true,
                        label: s.item(i + 1),
                      })}
                    </div>
                    <div class="schema-form__item-actions">
                      ${iconButton(s.moveUp(i + 1), up, id(i, 'up'), ctx.disabled || i === 0, () =>
                        move(i, i - 1),
                      )}
                      ${iconButton(
                        s.moveDown(i + 1),
                        icons.down,
                        id(i, 'down'),
                        ctx.disabled || i === items.length - 1,
                        () => move(i, i + 1),
                      )}
                      ${iconButton(
                        s.removeItem(i + 1),
                        icons.close,
                        id(i, 'remove'),
                        ctx.disabled || (min !== undefined && items.length <= min),
                        () => remove(i),
                      )}
                    </div>
                  </li>`,
              )}
            </ol>
            <button
              type="button"
              id="${fieldId(slot.path)}-add"
              class="rs-button rs-button--outline rs-button--small schema-form__add"
              part="add-item"
              ?disabled=${ctx.disabled || (max !== undefined && items.length >= max)}
              @click=${add}
            >
              ${plus}<span>${s.addItem(slot.label)}</span>
            </button>`
    }
  </fieldset>`;
}

/** A picked branch needs a value of its type, or the pick would read as "none" again. */
function seed(ctx: FieldContext, raw: unknown): unknown {
  const v = initial(ctx.root, raw, true);
  if (v !== undefined && v !== null) return v;
  const kind = describe(ctx.root, raw).kind;
  return kind === 'number' || kind === 'integer' ? 0 : kind === 'boolean' ? false : '';
}

/** oneOf / anyOf of simple shapes: pick the kind, then edit it with its own control. */
export function renderVariants(ctx: FieldContext, slot: FieldSlot, m: FieldModel) {
  const variants = m.variants!;
  const v = getAt(ctx.value, slot.path);
  const absent = v === undefined || v === null;
  const current = absent ? -1 : variantIndex(ctx.root, variants, v);
  const id = `${fieldId(slot.path)}-variant`;
  const name = (i: number) => {
    const vm = describe(ctx.root, variants[i]);
    const t = vm.schema.title;
    return typeof t === 'string' && t ? t : (vm.type ?? ctx.strings.variantOption(i + 1));
  };
  // When nothing is picked yet, the variant's own control is not shown, so this group carries
  // the field's message (e.g. "required").
  const d = absent ? describedBy(ctx, slot.path, m) : undefined;
  return html`<div class="schema-form__variant" part="variant">
    <div class="schema-form__field" part="field">
      <label class="schema-form__label" for=${id}>${ctx.strings.variantLabel(slot.label)}</label>
      <select
        id=${id}
        class="schema-form__control"
        ?disabled=${ctx.disabled}
        aria-invalid=${ifDefined(d?.invalid)}
        aria-describedby=${ifDefined(d?.ids)}
        @change=${(e: Event) => {
          const i = Number((e.target as HTMLSelectElement).value);
          const fresh = i < 0 ? undefined : seed(ctx, variants[i]);
          ctx.set(slot.path, i < 0 ? (m.nullable && slot.required ? null : undefined) : fresh);
          ctx.touch(slot.path);
        }}
      >
        ${
          !slot.required || m.nullable || current < 0
            ? html`<option value="-1" ?selected=${current < 0}>${ctx.strings.none}</option>`
            : nothing
        }
        ${variants.map(
          (_, i) => html`<option value=${i} ?selected=${i === current}>${name(i)}</option>`,
        )}
      </select>
      ${d?.notes ?? nothing}
    </div>
    ${
      current < 0
        ? nothing
        : renderField(ctx, { ...slot, raw: { ...variants[current], title: slot.label } })
    }
  </div>`;
}
