import { Validator, type OutputUnit } from '@cfworker/json-schema';
import { depthProblem } from '@realstream/protocol';
import {
  checkUrl,
  WebhookConfigError,
  webhookConfigFromEnv,
  type WebhookToolConfig,
} from './webhook-config.js';
import {
  decode,
  byteChunks,
  ndjsonEvents,
  readText,
  sseEvents,
  type ReplyEvent,
} from './webhook-reply.js';
import { checkSchema } from './webhook-schema.js';
import { signWebhook } from './webhook-sign.js';
import { ToolFailure, type ServerTool, type ToolRunContext } from './types.js';

/**
 * A tool the operator declared in REALSTREAM_WEBHOOK_TOOLS: each call is POSTed, signed, to the
 * configured URL and the reply (JSON, NDJSON or SSE) becomes progress and a result.
 *
 * Request:
 *   POST <url>
 *   Content-Type: application/json
 *   Accept: application/json, application/x-ndjson, text/event-stream
 *   X-Realstream-Timestamp: <unix seconds>
 *   X-Realstream-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + rawBody)>
 *   X-Realstream-Call-Id: <call id>
 *   {"callId", "tool", "args", "room", "caller": {kind, id, name} | null, "timestamp"}
 *
 * Receivers verify with `verifyWebhook` and must remember call ids to refuse replays (see
 * webhook-sign.ts). Redirects are never followed: the target was checked against the allow-list
 * and private ranges, and a redirect would lead past both.
 */

export { signWebhook, verifyWebhook, type VerifyResult } from './webhook-sign.js';

/** Largest reply (in total, for streams too) before the call fails with `too_large`. */
export const MAX_REPLY_BYTES = 1024 * 1024;

export interface WebhookToolOptions {
  allowHosts: string[];
  allowPrivate: boolean;
  /** Injected in tests; the platform's fetch otherwise. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; for the signed timestamp. */
  now?: () => number;
  maxReplyBytes?: number;
}

/** All webhook tools from the environment, ready to register (`enabled` only sets the default). */
export function webhookToolsFromEnv(env: Record<string, unknown>): ServerTool[] {
  const { tools, allowHosts, allowPrivate } = webhookConfigFromEnv(env);
  return tools.map((cfg) => webhookTool(cfg, { allowHosts, allowPrivate }));
}

/** Throws WebhookConfigError when `cfg` points somewhere the options do not allow. */
export function webhookTool(cfg: WebhookToolConfig, opts: WebhookToolOptions): ServerTool {
  // Checked again here, not only in parseWebhookTools, because a config may be built in code.
  const url = checkUrl(cfg.url, opts);
  if (typeof url === 'string') {
    throw new WebhookConfigError(`webhook tool "${cfg.name}".url: ${url}`);
  }
  let output: Validator | undefined;
  if (cfg.outputSchema) {
    const schema = checkSchema(cfg.outputSchema);
    if (typeof schema === 'string') {
      throw new WebhookConfigError(`webhook tool "${cfg.name}".outputSchema: ${schema}`);
    }
    output = new Validator(schema, '2020-12');
  }
  // Called through a wrapper: workerd throws "Illegal invocation" for a detached `fetch`.
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const now = opts.now ?? Date.now;
  const maxBytes = opts.maxReplyBytes ?? MAX_REPLY_BYTES;

  const checkOutput = (value: unknown): unknown => {
    // The result goes into the log and to every client, whose parsers recurse per level.
    const deep = depthProblem(value, 'webhook result');
    if (deep) throw new ToolFailure('invalid_output', deep);
    if (!output) return value;
    const { valid, errors } = output.validate(value);
    if (valid) return value;
    const first = deepest(errors);
    throw new ToolFailure(
      'invalid_output',
      `webhook result does not match outputSchema at ${first.instanceLocation}: ${first.error}`,
      { instanceLocation: first.instanceLocation, keywordLocation: first.keywordLocation },
    );
  };

  const run = async (args: unknown, ctx: ToolRunContext): Promise<unknown> => {
    const callId = ctx.callId ?? crypto.randomUUID();
    const timestamp = Math.floor(now() / 1000);
    const body = JSON.stringify({
      callId,
      tool: cfg.name,
      args,
      room: ctx.room.name,
      caller: ctx.caller ?? null,
      timestamp,
    });

    // One controller for the room's signal and our own timeout, so either closes the socket.
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onAbort();
    ctx.signal.addEventListener('abort', onAbort);
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, cfg.timeoutMs);

    try {
      const res = await doFetch(url.href, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json, application/x-ndjson, text/event-stream',
          'X-Realstream-Timestamp': String(timestamp),
          'X-Realstream-Signature': await signWebhook(cfg.secret, timestamp, body),
          'X-Realstream-Call-Id': callId,
        },
        body,
        redirect: 'manual',
        signal: controller.signal,
      });
      return await handleReply(res, ctx, checkOutput, maxBytes);
    } catch (err) {
      if (ctx.signal.aborted) throw new ToolFailure('cancelled', 'webhook call was cancelled');
      if (timedOut) {
        throw new ToolFailure('timeout', `webhook did not finish within ${cfg.timeoutMs} ms`);
      }
      if (err instanceof ToolFailure) throw err;
      throw new ToolFailure('upstream_failed', `webhook request failed: ${errorText(err)}`);
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      controller.abort(); // no-op after a complete read; closes a stream we stopped reading
    }
  };

  return {
    kind: 'webhook',
    name: cfg.name,
    title: cfg.title,
    description: cfg.description,
    inputSchema: cfg.inputSchema,
    outputSchema: cfg.outputSchema,
    timeoutMs: cfg.timeoutMs,
    requiresApproval: cfg.requiresApproval,
    minRole: cfg.minRole,
    enabledByDefault: cfg.enabled,
    run,
  };
}

async function handleReply(
  res: Response,
  ctx: ToolRunContext,
  checkOutput: (value: unknown) => unknown,
  maxBytes: number,
): Promise<unknown> {
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
    throw new ToolFailure(
      'upstream_failed',
      `webhook answered ${res.status} redirect; redirects are not followed, configure the final URL`,
      { status: res.status },
    );
  }
  if (!res.ok) {
    // Only a peek: an error page may be large, and 200 characters say enough.
    let text = '';
    try {
      for await (const chunk of decode(byteChunks(res.body, maxBytes))) {
        text += chunk;
        if (text.length >= 200) break;
      }
    } catch {
      // The status alone is still worth reporting.
    }
    text = text.slice(0, 200).trim();
    throw new ToolFailure(
      'upstream_failed',
      `webhook answered ${res.status}${text ? `: ${text}` : ''}`,
      {
        status: res.status,
      },
    );
  }
  const length = Number(res.headers.get('Content-Length') ?? NaN);
  if (length > maxBytes) {
    throw new ToolFailure('too_large', `webhook reply is larger than ${maxBytes} bytes`);
  }

  const type = (res.headers.get('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    const text = await readText(res.body, maxBytes);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ToolFailure(
        'invalid_output',
        'webhook answered application/json that does not parse',
      );
    }
    return checkOutput(value);
  }
  const text = decode(byteChunks(res.body, maxBytes));
  let events: AsyncGenerator<ReplyEvent>;
  if (type === 'application/x-ndjson') events = ndjsonEvents(text);
  else if (type === 'text/event-stream') events = sseEvents(text);
  else {
    throw new ToolFailure(
      'invalid_output',
      `webhook answered Content-Type "${type || 'none'}"; ` +
        'expected application/json, application/x-ndjson or text/event-stream',
    );
  }
  for await (const event of events) {
    if (event.type === 'progress') ctx.progress(event.progress);
    else if (event.type === 'error') throw new ToolFailure(event.code, event.message);
    else return checkOutput(event.value); // leaving the loop closes the stream
  }
  throw new ToolFailure('invalid_output', 'webhook stream ended without a result');
}

/** The innermost failure: `#/items/2/name` says more than `#` ("property does not match"). */
function deepest(errors: OutputUnit[]): OutputUnit {
  const none = { instanceLocation: '#', keywordLocation: '#', keyword: '', error: 'invalid' };
  return (
    errors.reduce<OutputUnit | undefined>(
      (best, e) => (best && best.instanceLocation.length >= e.instanceLocation.length ? best : e),
      undefined,
    ) ?? none
  );
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici hides the useful part (ECONNREFUSED, ...) in `cause`.
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
