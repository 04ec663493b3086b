import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ClientStatus } from '@realstream/client';
import { button } from '../internal/button.js';
import type { ChatStrings } from './strings.js';

/** The composer shows its counter from this share of the server's length limit on. */
const COUNTER_FROM = 0.8;

export interface ComposerModel {
  /** The textarea takes input (false: the reader may not post at all). */
  editable: boolean;
  canSend: boolean;
  /** Why sending is not possible right now; shown under the field. */
  reason: string;
  counter: string;
  over: number;
}

/**
 * What the composer allows, and why not. While the link is merely down (connecting,
 * reconnecting, offline) the field stays editable, so a draft is never lost and focus never
 * jumps, but sending waits for a live link; a viewer or a refused token cannot type at all.
 */
export function composerModel(
  status: ClientStatus,
  hasClient: boolean,
  draft: string,
  s: ChatStrings,
): ComposerModel {
  const limit = status.limits?.maxMessageChars;
  const over = limit ? draft.length - limit : 0;
  let editable = true;
  let reason = '';
  if (!hasClient) [editable, reason] = [false, s.noRoom];
  else if (status.state === 'unauthorised' || status.state === 'forbidden')
    [editable, reason] = [false, s.unauthorisedReason];
  else if (status.user?.role === 'viewer') [editable, reason] = [false, s.viewerReason];
  else if (status.state === 'offline') reason = s.offlineReason;
  // A stalled link is still connected and about to be either proven or replaced; what is sent
  // meanwhile is resent after a reconnect, so typing and sending go on.
  else if (status.state !== 'live' && status.state !== 'stalled') reason = s.waitingForLink;
  if (editable && over > 0) reason = s.tooLong(over);
  const counter =
    limit && draft.length >= limit * COUNTER_FROM ? s.counter(draft.length, limit) : '';
  const linked = status.state === 'live' || status.state === 'stalled';
  const canSend = editable && linked && draft.trim().length > 0 && over <= 0;
  return { editable, canSend, reason, counter, over };
}

export interface ComposerHandlers {
  input(e: InputEvent): void;
  keydown(e: KeyboardEvent): void;
  blur(): void;
  submit(e: SubmitEvent): void;
  stop(): void;
}

export function renderComposer(
  model: ComposerModel,
  draft: string,
  streaming: boolean,
  s: ChatStrings,
  on: ComposerHandlers,
): TemplateResult {
  return html`<form class="composer" part="composer" @submit=${on.submit}>
    <label class="rs-sr-only" for="composer-input">${s.composerLabel}</label>
    <div class="rs-field composer__field" part="composer-field">
      <textarea
        id="composer-input"
        dir="auto"
        class="rs-textarea composer__input"
        part="input"
        rows="1"
        placeholder=${s.placeholder}
        aria-describedby="composer-status composer-counter"
        aria-invalid=${model.over > 0 ? 'true' : 'false'}
        .value=${live(draft)}
        ?disabled=${!model.editable}
        @input=${on.input}
        @keydown=${on.keydown}
        @blur=${on.blur}
      ></textarea>
      ${
        streaming
          ? button({
              label: s.stopHint,
              icon: 'stop',
              iconOnly: true,
              variant: 'outline',
              part: 'stop-button',
              className: 'composer__stop',
              onClick: on.stop,
            })
          : nothing
      }
      ${button({
        label: s.send,
        icon: 'send',
        iconOnly: true,
        variant: 'primary',
        type: 'submit',
        part: 'send-button',
        className: 'composer__send',
        disabled: !model.canSend,
      })}
    </div>
    <div class="composer__meta" part="composer-status">
      <span id="composer-status" class=${model.reason ? 'composer__reason' : 'composer__hint'}
        >${model.reason || s.keyboardHint}</span
      >
      <span
        id="composer-counter"
        class="composer__counter ${model.over > 0 ? 'composer__counter--over' : ''}"
        >${model.counter}</span
      >
    </div>
  </form>`;
}
