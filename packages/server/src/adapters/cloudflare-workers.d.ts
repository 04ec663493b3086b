/**
 * The little of `cloudflare:workers` that partyserver's types build on and the adapter uses.
 * @cloudflare/workers-types declares it all, but as globals that clash with the DOM lib the rest of
 * the server is typed against, so only these few lines come in.
 */
declare module 'cloudflare:workers' {
  import type { RoomStorage } from '../storage.js';

  interface DurableObjectState {
    readonly storage: RoomStorage & {
      getAlarm(): Promise<number | null>;
      setAlarm(at: number | Date): Promise<void>;
      deleteAlarm(): Promise<void>;
    };
    readonly id: { readonly name?: string };
    /** Answers `request` with `response` on hibernatable sockets without waking the object. */
    setWebSocketAutoResponse(pair?: WebSocketRequestResponsePair): void;
  }

  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}

declare namespace Cloudflare {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Env {}
}

/** workerd's global: one request/response pair for `setWebSocketAutoResponse`. */
declare class WebSocketRequestResponsePair {
  constructor(request: string, response: string);
}
