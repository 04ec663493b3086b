import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import type { Tool } from '@realstream/client';
import type { Theme } from '../internal/base.js';
import type { RealstreamSchemaFormSubmitEvent as SchemaFormSubmitEvent } from './schema-form-submit.js';
import type { ToolsStrings } from './strings.js';

export interface ToolDetailModel {
  tool: Tool | undefined;
  /** The form's arguments for this tool (the same object while the user edits it). */
  value: Record<string, unknown>;
  /** Why Run is off, or null. */
  blocked: string | null;
  /** Between Run and the room's answer. */
  starting: boolean;
  /** The room refused the last run: its typed error. */
  error: { code: string; message: string } | null;
  /** The element's theme, passed on to the form (each shadow root picks its own colours). */
  theme: Theme;
}

export interface ToolDetailActions {
  run(): void;
  submit(e: SchemaFormSubmitEvent): void;
  input(e: Event): void;
}

/**
 * The chosen tool: its description, the form generated from its input schema (which has its own
 * raw JSON mode), Run, and why Run is off or what the room answered when it refused.
 */
export function renderToolDetail(
  m: ToolDetailModel,
  s: ToolsStrings,
  on: ToolDetailActions,
): TemplateResult {
  const t = m.tool;
  if (!t) {
    return html`<div class="tools__detail tools__detail--none" part="detail">
      <p class="tools__hint">${s.selectHint}</p>
    </div>`;
  }
  const described = [m.blocked ? 'run-reason' : '', m.error ? 'run-error' : '']
    .filter(Boolean)
    .join(' ');
  return html`<section
    class="tools__detail"
    part="detail"
    aria-label=${s.detailLabel(t.title || t.name)}
    data-name=${t.name}
  >
    <div class="tools__detail-head">
      <span class="tools__detail-title">${t.title || t.name}</span>
      <code class="tool__name">${t.name}</code>
    </div>
    <p class="tools__description" part="description" dir="auto">${t.description}</p>
    <realstream-schema-form
      class="tools__form"
      part="form"
      theme=${m.theme}
      .schema=${t.inputSchema}
      .value=${m.value}
      .strings=${s}
      ?disabled=${m.starting}
      @realstream-schema-form-submit=${on.submit}
      @input=${on.input}
    ></realstream-schema-form>
    <div class="tools__run" part="run">
      <button
        type="button"
        class="rs-button rs-button--primary"
        part="run-button"
        ?disabled=${!!m.blocked || m.starting}
        aria-describedby=${ifDefined(described || undefined)}
        @click=${on.run}
      >
        ${m.starting ? html`<span class="rs-spinner" aria-hidden="true"></span>` : nothing}
        <span>${m.starting ? s.starting : s.run}</span>
      </button>
      ${
        m.blocked
          ? html`<p class="tools__reason" id="run-reason" part="run-reason">${m.blocked}</p>`
          : nothing
      }
    </div>
    ${
      m.error
        ? html`<p class="tools__error" id="run-error" part="run-error" data-code=${m.error.code}>
            ${s.invokeError(m.error.code, m.error.message)}
          </p>`
        : nothing
    }
  </section>`;
}
