import type { Config, ResponderKind } from '../config.js';
import { AnthropicResponder } from './anthropic.js';
import { DemoResponder } from './demo.js';
import { OpenAiResponder } from './openai.js';
import { OpenAiResponsesResponder } from './openai-responses.js';
import type { Responder } from './types.js';
import type { ProviderOptions } from './upstream.js';

export type {
  Responder,
  ResponderChunk,
  ResponderInput,
  ContextMessage,
  ChatMessage,
  ToolResultMessage,
  ToolOffer,
  ToolCall,
} from './types.js';

/** One responder of each kind a room of this deployment may use, by kind. */
export function createResponders(
  config: Config,
  log: (message: string) => void = () => {},
): Map<ResponderKind, Responder> {
  const responders = new Map<ResponderKind, Responder>();
  for (const kind of config.roomResponders) {
    const provider = config.providers.find((p) => p.kind === kind);
    if (provider) {
      const options: ProviderOptions = { ...config.llm, ...provider, log };
      responders.set(
        kind,
        provider.kind === 'anthropic'
          ? new AnthropicResponder(options)
          : provider.api === 'responses'
            ? new OpenAiResponsesResponder(options)
            : new OpenAiResponder(options),
      );
    } else {
      responders.set(
        kind,
        new DemoResponder({
          tokensPerSecond: config.demoTokensPerSecond,
          replyTokens: config.demoReplyTokens,
        }),
      );
    }
  }
  return responders;
}
