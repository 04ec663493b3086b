import * as z from 'zod/mini';

// zod compiles fast parsers with `new Function` when it may; workerd forbids that, and so does the
// strict CSP our embed promises (a failed probe still logs a CSP violation). Never try.
z.config({ jitless: true });

export * from './constants.js';
export * from './errors.js';
export * from './model.js';
export * from './events.js';
export * from './frames.js';
export * from './parse.js';
// The browser's half, without zod: parseServerFrame and the REST body checks.
export * from './validate.js';
export * from './tools.js';
export * from './metrics.js';
export * from './mcp.js';
export * from './json-depth.js';
export * from './schema-safety.js';
