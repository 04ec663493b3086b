import type { Config } from '../config.js';
import { builtinTools } from './builtins/index.js';
import type { ServerTool } from './types.js';
import { webhookTool } from './webhook.js';

/** The deployment's server-side tools: the built-ins, then the configured webhooks. */
export function serverTools(config: Config): ServerTool[] {
  const { httpFetchHosts, webhooks } = config.tools;
  const { allowHosts, allowPrivate } = webhooks;
  return [
    ...builtinTools({ httpFetchHosts }),
    ...webhooks.tools.map((cfg) => webhookTool(cfg, { allowHosts, allowPrivate })),
  ];
}
