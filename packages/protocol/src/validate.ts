/**
 * `@realstream/protocol/validate`: what a browser checks the server's words with, without zod.
 * The validators are generated from the zod schemas (validators.generated.ts, written by
 * scripts/generate-validators.ts), so they accept exactly what the schemas accept and return what
 * zod's parse would; the differential test (validate.test.ts) holds them to that. Nothing here
 * imports zod, so a page that validates frames does not download it.
 */
import type { ErrorBody, ErrorCode } from './errors.js';
import type { MessagePage, ServerFrame } from './frames.js';
import { check, type Checked } from './validate-runtime.js';
import { ErrorBodySchema, MessagePageSchema, ServerFrameSchema } from './validators.generated.js';

export type ParseResult<T> =
  { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; id?: string };

export function parseJson(raw: string): ParseResult<unknown> {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (err) {
    return { ok: false, code: 'bad_json', message: `not JSON: ${(err as Error).message}` };
  }
}

/** Parses one server frame (what the browser client runs on every frame). */
export function parseServerFrame(raw: string): ParseResult<ServerFrame> {
  const json = parseJson(raw);
  if (!json.ok) return json;
  const frame = check<ServerFrame>(ServerFrameSchema, json.value);
  return frame.ok ? frame : { ok: false, code: 'invalid_frame', message: frame.message };
}

/** A page of history (GET messages), as MessagePageSchema reads it. */
export const checkMessagePage = (body: unknown): Checked<MessagePage> =>
  check(MessagePageSchema, body);

/** A REST error body (`{error: {code, message}}`), as ErrorBodySchema reads it. */
export const checkErrorBody = (body: unknown): Checked<ErrorBody> => check(ErrorBodySchema, body);

export type { Checked };
