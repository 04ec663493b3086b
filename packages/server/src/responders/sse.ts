/**
 * A Server-Sent Events parser for provider streams, following the WHATWG event-stream rules: bytes
 * may be split anywhere (also inside a UTF-8 character or between CR and LF), lines end with CRLF,
 * LF or CR, `:` lines are comments, `data:` lines of one event are joined with newlines, and an
 * event is dispatched at a blank line. Web APIs only, so it runs in workerd as well as in node.
 */
export interface SseEvent {
  /** The `event:` field; `message` when the event had none. */
  event: string;
  data: string;
  /** The `id:` field, when the event had one. */
  id?: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  /** Text after the last complete line. */
  private partial = '';
  /** The previous chunk ended in CR, so a LF at the start of this one ends no new line. */
  private skipLf = false;
  private data: string[] = [];
  private eventType = '';
  private id: string | undefined;

  /** Feeds bytes (or already decoded text) and returns the events they completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.feed(text);
  }

  /**
   * The stream ended. An event not yet ended by a blank line is dropped, as browsers do: a stream
   * cut off mid-event must not hand out half a JSON object.
   */
  end(): SseEvent[] {
    const events = this.feed(this.decoder.decode());
    this.partial = '';
    this.data = [];
    this.eventType = '';
    return events;
  }

  private feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    if (this.skipLf && text.length > 0) {
      if (text[0] === '\n') start = 1;
      this.skipLf = false;
    }
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c !== '\n' && c !== '\r') continue;
      const line = this.partial + text.slice(start, i);
      this.partial = '';
      if (c === '\r') {
        if (i + 1 === text.length) this.skipLf = true;
        else if (text[i + 1] === '\n') i++;
      }
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.partial += text.slice(start);
    return events;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line[0] === ':') return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    // `retry:` only matters to a reconnecting EventSource; other fields are ignored by the spec.
    return null;
  }

  private dispatch(): SseEvent | null {
    const data = this.data;
    const eventType = this.eventType;
    this.data = [];
    this.eventType = '';
    if (data.length === 0) return null;
    const event: SseEvent = { event: eventType || 'message', data: data.join('\n') };
    if (this.id !== undefined) event.id = this.id;
    return event;
  }
}
