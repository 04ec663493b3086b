export { Room, type Socket, type Subscriber, type SendResult } from './room.js';
export { readConfig, ConfigError, type Config } from './config.js';
export { Logger } from './log.js';
export { MemoryStorage, type RoomStorage } from './storage.js';
export { signToken, authenticate, roomClaimCovers } from './auth.js';
export { DemoResponder, demoReply, tokenize } from './responders/demo.js';
export type { Responder, ResponderChunk, ResponderInput } from './responders/types.js';
