import type { Config } from '../config.js';
import { DemoResponder } from './demo.js';
import type { Responder } from './types.js';

export type { Responder, ResponderChunk, ResponderInput, ContextMessage } from './types.js';

/** The responder a deployment is configured for. */
export function createResponder(config: Config): Responder {
  switch (config.responder) {
    case 'demo':
      return new DemoResponder({ tokensPerSecond: config.demoTokensPerSecond, replyTokens: config.demoReplyTokens });
  }
}
