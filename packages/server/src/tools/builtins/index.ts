/**
 * The tools every room has. `http.fetch` joins them only when the operator lists hosts it may
 * reach; it still starts switched off, so an operator turns it on per room.
 */
import type { ServerTool } from '../types.js';
import { httpFetchTool } from './http-fetch.js';
import { mathEvaluate } from './math.js';
import { roomInfoTool } from './room-info.js';
import { textStatsTool } from './text-stats.js';
import { timeNowTool } from './time.js';

export interface BuiltinToolsOptions {
  /** Allow-list for `http.fetch` (`host`, `host:port`, `*.example.com`); empty leaves it out. */
  httpFetchHosts: string[];
  /** For tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export function builtinTools(opts: BuiltinToolsOptions): ServerTool[] {
  const tools = [timeNowTool(), mathEvaluate, textStatsTool, roomInfoTool];
  if (opts.httpFetchHosts.length > 0) {
    tools.push(httpFetchTool({ allowHosts: opts.httpFetchHosts, fetch: opts.fetch }));
  }
  return tools;
}

export { evaluate } from './math.js';
export { httpFetchTool, type HttpFetchOptions } from './http-fetch.js';
export { mathEvaluate, roomInfoTool, textStatsTool, timeNowTool };
