import type { WebhookNetOptions } from '../webhook-config.js';
import { MAX_REPLY_BYTES } from '../webhook.js';
import { mcpUrlProblem } from './config.js';

/** Why a request to an MCP server was refused before or after it was sent. */
export class McpFetchRefused extends Error {
  constructor(
    readonly code: 'url_not_allowed' | 'redirect' | 'too_large',
    message: string,
  ) {
    super(message);
    this.name = 'McpFetchRefused';
  }
}

export interface GuardedFetchOptions extends WebhookNetOptions {
  /** Injected in tests; the platform's fetch otherwise. */
  fetch?: typeof fetch;
  /** Largest response body, in total for a stream too (the webhooks' cap by default). */
  maxBytes?: number;
  /** Each round trip: time to the response's headers, and whether it failed. */
  record?: (ms: number, failed: boolean) => void;
}

/**
 * The fetch an MCP transport gets: every request (the SDK's POSTs, its SSE GET, its DELETE) is
 * checked against the allow-list again (the list may have changed since the server was added),
 * redirects are never followed (one would lead past the list), and bodies are cut at the cap.
 */
export function guardedFetch(opts: GuardedFetchOptions): typeof fetch {
  // Called through a wrapper: workerd throws "Illegal invocation" for a detached `fetch`.
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const maxBytes = opts.maxBytes ?? MAX_REPLY_BYTES;
  return async (input, init) => {
    const href = input instanceof Request ? input.url : String(input);
    const url = mcpUrlProblem(href, opts);
    if (typeof url === 'string') throw new McpFetchRefused('url_not_allowed', url);
    const started = Date.now();
    let res: Response;
    try {
      res = await doFetch(input, { ...init, redirect: 'manual' });
    } catch (err) {
      opts.record?.(Date.now() - started, true);
      throw err;
    }
    const redirected = res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400);
    opts.record?.(Date.now() - started, redirected || res.status >= 500);
    if (redirected) {
      await res.body?.cancel().catch(() => {});
      throw new McpFetchRefused(
        'redirect',
        `the MCP server answered ${res.status} redirect; redirects are not followed, configure the final URL`,
      );
    }
    if (Number(res.headers.get('Content-Length') ?? NaN) > maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw new McpFetchRefused('too_large', `the MCP server's reply is over ${maxBytes} bytes`);
    }
    if (!res.body) return res;
    return new Response(capped(res.body, maxBytes), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
}

/** The body, failing once more than `maxBytes` have come through. */
function capped(body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> {
  let seen = 0;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seen += value.byteLength;
      if (seen > maxBytes) {
        await reader.cancel().catch(() => {});
        controller.error(
          new McpFetchRefused('too_large', `the MCP server's reply is over ${maxBytes} bytes`),
        );
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
