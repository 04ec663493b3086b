import * as z from 'zod/mini';
import { ClientFrameSchema, type ClientFrame } from './frames.js';
import { MAX_JSON_DEPTH, exceedsDepth } from './json-depth.js';
import { parseJson, type ParseResult } from './validate.js';

/** Names the first few failing fields, e.g. `text: Too small: expected string to have >=1 characters`. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(frame)'}: ${issue.message}`)
    .join('; ');
}

const knownClientTypes: ReadonlySet<string> = new Set(
  ClientFrameSchema.def.options.map((o) => o.def.shape.type.def.values[0]),
);

/**
 * The command id of a client frame, or undefined: what an error about a frame the room did not
 * read (rate-limited) carries, so the client can tell which command to send again.
 */
export function clientFrameId(raw: string): string | undefined {
  // A refused frame is not worth parsing whole (a flood of 60 KB frames spent most of the room's
  // time here): clients write `type` and `id` first, so the id is in the frame's first bytes.
  const head = ID_NEAR_START.exec(raw.slice(0, 256));
  return head ? head[1] : undefined;
}

/** `"id":"…"` among the first keys of a frame, with an id as IdSchema allows it. */
const ID_NEAR_START =
  /^\{(?:"[a-z]+":(?:"[^"\\]{0,64}"|-?\d{1,16}),)*"id":"([A-Za-z0-9_.:-]{1,64})"/;

function idOf(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 64) : undefined;
}

/** The error for a value nested deeper than {@link MAX_JSON_DEPTH}, or null. */
export function depthProblem(value: unknown, what = 'frame'): string | null {
  return exceedsDepth(value, MAX_JSON_DEPTH)
    ? `the ${what} nests deeper than ${MAX_JSON_DEPTH} levels`
    : null;
}

/**
 * Parses one client frame: JSON, nesting depth, then schema. The depth is checked before zod or
 * any validator sees the value, since they recurse per level. The error keeps the command id.
 */
export function parseClientFrame(raw: string): ParseResult<ClientFrame> {
  const json = parseJson(raw);
  if (!json.ok) return json;
  const value = json.value as { type?: unknown } | null;
  const id = idOf(value);
  const deep = depthProblem(value);
  if (deep) return { ok: false, code: 'invalid_frame', message: deep, id };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'invalid_frame', message: 'a frame is a JSON object' };
  }
  if (typeof value.type !== 'string' || !knownClientTypes.has(value.type)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `unknown frame type ${JSON.stringify(value.type)}`,
      id,
    };
  }
  const parsed = ClientFrameSchema.safeParse(value);
  if (!parsed.success)
    return { ok: false, code: 'invalid_frame', message: describeIssues(parsed.error), id };
  return { ok: true, value: parsed.data };
}
