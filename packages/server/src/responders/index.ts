import type { Config } from '../config.js';
import { AnthropicResponder } from './anthropic.js';
import { DemoResponder } from './demo.js';
import { OpenAiResponder } from './openai.js';
import type { Responder } from './types.js';
import type { ProviderOptions } from './upstream.js';

export type {
  Responder,
  ResponderChunk,
  ResponderInput,
  ContextMessage,
  ToolCall,
} from './types.js';

/** The responder a deployment is configured for. */
export function createResponder(config: Config): Responder {
  const { provider } = config;
  if (provider) {
    const options: ProviderOptions = { ...config.llm, ...provider };
    return provider.kind === 'openai'
      ? new OpenAiResponder(options)
      : new AnthropicResponder(options);
  }
  return new DemoResponder({
    tokensPerSecond: config.demoTokensPerSecond,
    replyTokens: config.demoReplyTokens,
  });
}
