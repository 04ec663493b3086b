import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { RealstreamClient, RoomSettings } from '@realstream/client';
import { button } from '../internal/button.js';
import type { DashboardStrings } from './strings.js';

/** The longest system prompt the protocol takes (RoomSettingsSchema). */
const PROMPT_MAX = 8000;

interface Draft {
  responder: string;
  /** As typed; empty means the deployment's prompt (null). */
  systemPrompt: string;
  reasoning: RoomSettings['reasoning'];
}

type Result = { ok: true } | { ok: false; message: string } | null;

/**
 * The room's settings as an operator edits them: a draft of responder, system prompt and who sees
 * the reasoning over the room's current settings, saved together with `configure()`. Changes made
 * meanwhile by another operator show through until this one starts typing.
 */
export class SettingsForm {
  private draft: Draft | null = null;
  private saving = false;
  private result: Result = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly failed: (code: string, message: string) => void,
  ) {}

  /** Another client: its room's settings, not this draft. */
  reset(): void {
    this.draft = null;
    this.result = null;
    this.saving = false;
  }

  render(
    client: RealstreamClient | undefined,
    settings: RoomSettings | null,
    responders: readonly string[] | undefined,
    s: DashboardStrings,
  ): TemplateResult {
    if (!client || !settings) return html`<p class="dash__note" part="note">${s.waiting}</p>`;
    const current: Draft = {
      responder: settings.responder,
      systemPrompt: settings.systemPrompt ?? '',
      reasoning: settings.reasoning,
    };
    // A draft the room's settings caught up with (saved, or typed back) is no draft any more.
    if (this.draft && !this.saving && same(this.draft, current)) this.draft = null;
    const draft = this.draft ?? current;
    const changed = !same(draft, current);
    // An older server does not say the choices: the current one is all that can be shown.
    const choices = responders?.length ? responders : [settings.responder];
    const edit = (patch: Partial<Draft>) => {
      // Onto the draft as it is now, not as this render saw it: two edits may come between renders.
      this.draft = { ...(this.draft ?? current), ...patch };
      this.result = null;
      this.host.requestUpdate();
    };
    const submit = (e: Event) => {
      e.preventDefault();
      if (changed && !this.saving) void this.save(client, current, draft, s);
    };
    // The selects take `.value` as well as `selected` options: once a choice was made in a
    // select, its options no longer follow their `selected` attribute (an undo would not show).
    return html`<form class="settings" part="settings" @submit=${submit}>
      <div class="settings__field">
        <label class="settings__label" for="settings-responder">${s.responderLabel}</label>
        <select
          id="settings-responder"
          class="settings__control"
          part="settings-responder"
          aria-describedby="settings-responder-help"
          ?disabled=${choices.length < 2 || this.saving}
          .value=${draft.responder}
          @change=${(e: Event) => edit({ responder: (e.target as HTMLSelectElement).value })}
        >
          ${choices.map(
            (r) => html`<option value=${r} ?selected=${r === draft.responder}>${r}</option>`,
          )}
        </select>
        <p class="settings__help" id="settings-responder-help">
          ${choices.length < 2 ? s.responderOnly : s.responderHint}
        </p>
      </div>
      <div class="settings__field">
        <label class="settings__label" for="settings-prompt">${s.promptLabel}</label>
        <textarea
          id="settings-prompt"
          class="settings__control settings__prompt"
          part="settings-prompt"
          rows="6"
          maxlength=${PROMPT_MAX}
          placeholder=${s.promptPlaceholder}
          aria-describedby="settings-prompt-help"
          ?disabled=${this.saving}
          .value=${draft.systemPrompt}
          @input=${(e: Event) => edit({ systemPrompt: (e.target as HTMLTextAreaElement).value })}
        ></textarea>
        <p class="settings__help" id="settings-prompt-help">
          ${s.promptHint} ${s.promptCount(draft.systemPrompt.length, PROMPT_MAX)}
        </p>
      </div>
      <div class="settings__field">
        <label class="settings__label" for="settings-reasoning">${s.reasoningLabel}</label>
        <select
          id="settings-reasoning"
          class="settings__control"
          part="settings-reasoning"
          aria-describedby="settings-reasoning-help"
          ?disabled=${this.saving}
          .value=${draft.reasoning}
          @change=${(e: Event) =>
            edit({ reasoning: (e.target as HTMLSelectElement).value as Draft['reasoning'] })}
        >
          ${(['everyone', 'operators'] as const).map(
            (r) =>
              html`<option value=${r} ?selected=${r === draft.reasoning}>
                ${s.reasoningChoice(r)}
              </option>`,
          )}
        </select>
        <p class="settings__help" id="settings-reasoning-help">${s.reasoningHint}</p>
      </div>
      <div class="settings__actions">
        ${button({
          label: this.saving ? s.saving : s.save,
          type: 'submit',
          variant: 'primary',
          small: true,
          part: 'settings-save',
          disabled: !changed || this.saving,
        })}
        ${
          changed && !this.saving
            ? button({
                label: s.undoChanges,
                small: true,
                variant: 'outline',
                part: 'settings-undo',
                onClick: () => edit({ ...current }),
              })
            : nothing
        }
        ${
          this.result
            ? html`<span
                class="settings__result ${this.result.ok ? '' : 'settings__result--bad'}"
                part="settings-result"
                >${this.result.ok ? s.saved : s.saveFailed(this.result.message)}</span
              >`
            : nothing
        }
      </div>
    </form>`;
  }

  private async save(
    client: RealstreamClient,
    current: Draft,
    draft: Draft,
    s: DashboardStrings,
  ): Promise<void> {
    const patch: Partial<RoomSettings> = {};
    if (draft.responder !== current.responder) patch.responder = draft.responder;
    if (draft.systemPrompt !== current.systemPrompt)
      patch.systemPrompt = draft.systemPrompt.trim() ? draft.systemPrompt : null;
    if (draft.reasoning !== current.reasoning) patch.reasoning = draft.reasoning;
    this.saving = true;
    this.result = null;
    this.host.requestUpdate();
    try {
      await client.configure(patch);
      // The draft stays until the room's settings show the change (the configured event).
      this.result = { ok: true };
    } catch (err) {
      const { code = 'internal', message = String(err) } = err as {
        code?: string;
        message?: string;
      };
      this.result = { ok: false, message };
      this.failed(code, s.saveFailed(message));
    } finally {
      this.saving = false;
      this.host.requestUpdate();
    }
  }
}

function same(a: Draft, b: Draft): boolean {
  return (
    a.responder === b.responder && a.systemPrompt === b.systemPrompt && a.reasoning === b.reasoning
  );
}
