import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { RealstreamElement } from '../internal/base.js';
import { sharedStyles } from '../styles/shared.js';
import { renderField, renderProperties, type FieldContext } from './schema-fields.js';
import { renderRaw } from './schema-raw.js';
import { schemaFormStyles } from './schema-form.styles.js';
import { RealstreamSchemaFormSubmitEvent } from './schema-form-submit.js';
import {
  clean,
  describe,
  initial,
  pointer,
  setAt,
  type JsonSchema,
  type Path,
} from './schema-model.js';
import { defaultSchemaFormStrings, type SchemaFormStrings } from './schema-strings.js';
import { parseJson, validateValue, type FieldError } from './schema-validate.js';

export type { FieldError } from './schema-validate.js';
export type { JsonSchema } from './schema-model.js';

const RAW = '#raw';
const parent = (ptr: string) => ptr.slice(0, Math.max(1, ptr.lastIndexOf('/')));

/**
 * @summary A form generated from a tool's input JSON Schema (2020-12), validated in the browser
 * with the same validator and draft as the server, with a raw JSON mode.
 *
 * @csspart base - The form.
 * @csspart field - Each labelled control with its help and error text.
 * @csspart control - Every input, select and textarea (JSON fields also `json`).
 * @csspart group - Fieldsets: nested objects, arrays (also `array`) and radio groups.
 * @csspart item - One array row; `add-item` is the add button.
 * @csspart variant - A oneOf / anyOf field with its kind picker.
 * @csspart help - Description text.
 * @csspart error - A field's validation message.
 * @csspart summary - The problem count shown when a submit is refused.
 * @csspart mode-toggle - The form / JSON switch.
 * @csspart raw - The raw JSON textarea (also `control`).
 *
 * @cssproperty --gap - Space between fields.
 * @cssproperty --control-radius - Corner radius of inputs.
 *
 * @event input - The user changed the value; read `value` from the element.
 * @event realstream-schema-form-submit - Submitted and valid; `detail.args` is what to send.
 */
export class RealstreamSchemaForm extends RealstreamElement {
  static override styles = [sharedStyles, schemaFormStyles];

  private merged: SchemaFormStrings = defaultSchemaFormStrings;
  private errors: FieldError[] = [];
  private touched = new Set<string>();
  /** JSON fields' text that did not parse yet, and why, by pointer. */
  private drafts = new Map<string, string>();
  private syntax = new Map<string, string>();
  /** Pointers that have a control in the last render; errors below them are shown there. */
  private claimed = new Set<string>();
  private ownChange = false;
  /** Between willUpdate and updated: a blur then comes from a control this render removed. */
  private committing = false;

  @state() private submitted = false;
  @state() private raw = false;
  @state() private rawText = '';
  @state() private rawError = '';

  /** The tool's input schema (JSON Schema 2020-12, `$defs` allowed). Property only. */
  @property({ attribute: false }) schema: JsonSchema = {};
  /** The current arguments; set it to prefill (defaults fill the rest). Property only. */
  @property({ attribute: false }) value: Record<string, unknown> = {};
  /** Makes every control read-only, e.g. while a call runs. */
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** Any of the words the form shows, to translate or reword them. Property only. */
  @property({ attribute: false }) strings: Partial<SchemaFormStrings> = {};

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.committing = true;
    if (changed.has('strings')) this.merged = { ...defaultSchemaFormStrings, ...this.strings };
    if (changed.has('schema')) {
      this.touched.clear();
      this.submitted = false;
      const defaults = initial(this.schema, this.schema, true);
      this.value = { ...(defaults as object), ...(this.value ?? {}) };
    }
    if (changed.has('value') && !this.ownChange) {
      this.drafts.clear();
      this.syntax.clear();
      if (this.raw) [this.rawText, this.rawError] = [this.json(), ''];
    }
    this.ownChange = false;
    if (changed.has('schema') || changed.has('value') || changed.has('strings')) {
      this.errors = validateValue(this.schema, this.args(), this.merged);
    }
  }

  protected override updated(): void {
    this.committing = false;
  }

  private args(): Record<string, unknown> {
    return (clean(this.schema, this.schema, this.value ?? {}) ?? {}) as Record<string, unknown>;
  }

  private json(): string {
    return JSON.stringify(this.args(), null, 2);
  }

  private change(next: Record<string, unknown>): void {
    this.ownChange = true;
    this.value = next;
    this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }

  private touch(ptr: string): void {
    if (this.touched.has(ptr)) return;
    this.touched.add(ptr);
    if (!this.committing) this.requestUpdate();
  }

  private allErrors(): FieldError[] {
    if (this.raw && this.rawError) return [{ pointer: '#', message: this.rawError }];
    const syntax = [...this.syntax].map(([ptr, message]) => ({ pointer: ptr, message }));
    const inDraft = (p: string) =>
      syntax.some((s) => p === s.pointer || p.startsWith(s.pointer + '/'));
    return [...syntax, ...this.errors.filter((e) => !inDraft(e.pointer))];
  }

  /** Each error at its nearest ancestor that has a control; the root when none has. */
  private placed(): Map<string, string> {
    const out = new Map<string, string>();
    for (const e of this.allErrors()) {
      let p = e.pointer;
      while (p !== '#' && !this.claimed.has(p)) p = parent(p);
      if (!out.has(p)) out.set(p, e.message);
    }
    return out;
  }

  private context(messages: Map<string, string>): FieldContext {
    const shown = (ptr: string) => this.submitted || this.touched.has(ptr);
    return {
      root: this.schema,
      value: this.value,
      strings: this.merged,
      disabled: this.disabled,
      message: (ptr) => (shown(ptr) ? messages.get(ptr) : undefined),
      claim: (ptr) => this.claimed.add(ptr),
      set: (path, next) => this.change(setAt(this.value, path, next) as Record<string, unknown>),
      touch: (path) => this.touch(pointer(path)),
      draft: (path) => this.drafts.get(pointer(path)),
      setDraft: (path, text) => this.setDraft(path, text),
      focusLater: (find) =>
        void this.updateComplete.then(() => this.shadowRoot && find(this.shadowRoot)?.focus()),
    };
  }

  private setDraft(path: Path, text: string): void {
    const ptr = pointer(path);
    if (!text.trim()) {
      this.drafts.delete(ptr);
      this.syntax.delete(ptr);
      return this.change(setAt(this.value, path, undefined) as Record<string, unknown>);
    }
    this.drafts.set(ptr, text);
    const parsed = parseJson(text, this.merged);
    if (parsed.ok) {
      this.syntax.delete(ptr);
      this.change(setAt(this.value, path, parsed.value) as Record<string, unknown>);
    } else {
      this.syntax.set(ptr, parsed.message);
      this.requestUpdate();
    }
  }

  private onRawInput(text: string): void {
    this.rawText = text;
    const parsed = parseJson(text, this.merged);
    this.rawError = parsed.ok ? '' : parsed.message;
    if (!parsed.ok) return;
    const v = parsed.value;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) this.change(v as never);
    // Arguments are always an object; anything else is reported like a syntax error.
    else this.rawError = this.merged.typeError('object');
  }

  private async toggleMode(): Promise<void> {
    if (this.raw && this.rawError) {
      // Switching back would drop what was typed: keep the user here and say why.
      this.touch(RAW);
      await this.updateComplete;
      this.shadowRoot?.querySelector<HTMLElement>('#raw')?.focus();
      return;
    }
    this.raw = !this.raw;
    if (this.raw) [this.rawText, this.rawError] = [this.json(), ''];
    this.drafts.clear();
    this.syntax.clear();
  }

  private onKeydown(e: KeyboardEvent): void {
    const t = e.target as HTMLElement;
    const single = t instanceof HTMLInputElement && !['checkbox', 'radio'].includes(t.type);
    if (e.key !== 'Enter' || e.isComposing || !single) return;
    e.preventDefault();
    this.submit();
  }

  /** Checks the current value as the server will; does not change what is shown. */
  validate(): { ok: boolean; errors: FieldError[] } {
    const errors = this.allErrors();
    return { ok: errors.length === 0, errors };
  }

  /**
   * Shows every message, and if the value is valid fires `realstream-schema-form-submit` with
   * the arguments. Returns whether it fired. Call it from the host's Run button.
   */
  submit(): boolean {
    const { ok } = this.validate();
    this.submitted = true;
    this.touched.add(RAW);
    if (ok) {
      this.dispatchEvent(new RealstreamSchemaFormSubmitEvent({ args: this.args() }));
    } else {
      void this.updateComplete.then(() => {
        const r = this.shadowRoot;
        // The first invalid control; for a group-level message (too few items), the group's
        // first usable control, so the keyboard lands where the fix is.
        const first =
          r?.querySelector<HTMLElement>(
            '[aria-invalid="true"]:not(fieldset), fieldset[aria-invalid="true"] input',
          ) ??
          r
            ?.querySelector('.schema-form__error')
            ?.closest('fieldset, .schema-form__field')
            ?.querySelector<HTMLElement>('input, select, textarea, button:not(:disabled)');
        first?.focus();
      });
    }
    return ok;
  }

  private renderRaw() {
    const show = this.submitted || this.touched.has(RAW);
    return renderRaw({
      strings: this.merged,
      text: this.rawText,
      errors: show ? this.allErrors() : [],
      disabled: this.disabled,
      input: (text) => this.onRawInput(text),
      blur: () => this.touch(RAW),
    });
  }

  private renderFields() {
    const root = describe(this.schema, this.schema);
    const body = (ctx: FieldContext) =>
      root.kind === 'object'
        ? renderProperties(ctx, [], root.schema)
        : renderField(ctx, { path: [], raw: this.schema, required: true, label: 'Arguments' });
    // First pass only learns which pointers get a control, so errors below a JSON field or on
    // an unrendered property land on the nearest control; the second pass renders them there.
    this.claimed.clear();
    body(this.context(new Map()));
    const placed = this.placed();
    const fields = body(this.context(placed));
    const loose = placed.get('#');
    return html`${fields}${
      loose && this.submitted && !this.claimed.has('#')
        ? html`<p class="schema-form__error" part="error">${loose}</p>`
        : nothing
    }`;
  }

  override render() {
    const s = this.merged;
    const count = this.allErrors().length;
    return html`<form
      class="schema-form"
      part="base"
      novalidate
      @submit=${(e: Event) => (e.preventDefault(), this.submit())}
      @keydown=${this.onKeydown}
      @input=${(e: Event) => e.stopPropagation()}
    >
      <div class="schema-form__toolbar">
        <button
          type="button"
          class="rs-button rs-button--small rs-button--outline"
          part="mode-toggle"
          aria-pressed=${this.raw ? 'true' : 'false'}
          ?disabled=${this.disabled}
          @click=${this.toggleMode}
        >
          ${s.rawMode}
        </button>
      </div>
      ${this.raw ? this.renderRaw() : this.renderFields()}
      <div class="schema-form__summary" part="summary" role="status">
        ${this.submitted && count ? s.summary(count) : ''}
      </div>
    </form>`;
  }
}
