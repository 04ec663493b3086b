import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RealstreamClient, ToolCall } from '@realstream/client';
import { curlCommand, newKey } from './curl.js';

/**
 * "Copy as curl": writes a call's REST equivalent to the clipboard and remembers, for two seconds,
 * which call's button should say Copied (or that copying failed).
 */
export class CopyCurlController implements ReactiveController {
  /** The call whose command was just copied, and whether the clipboard took it. */
  copied: { callId: string; ok: boolean } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.copied = null;
  }

  async copy(client: RealstreamClient, call: ToolCall): Promise<void> {
    const { host, party, room } = client;
    const command = curlCommand({
      host,
      party,
      room,
      name: call.name,
      args: call.args,
      key: newKey(),
    });
    let ok = true;
    try {
      await navigator.clipboard.writeText(command);
    } catch {
      ok = false; // no permission, or not a secure context: the button says so
    }
    this.copied = { callId: call.callId, ok };
    this.host.requestUpdate();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.copied = null;
      this.host.requestUpdate();
    }, 2000);
  }
}
