// A host's backend signs room tokens; a host's worker runs the room core.
import { signToken, authenticate } from '@realstream/server/auth';
import { Room, MemoryStorage, readConfig, DemoResponder } from '@realstream/server';

export async function token(secret: string): Promise<string> {
  return signToken(secret, { sub: 'ada', name: 'Ada', room: 'lobby', role: 'member' }, '1h');
}
export const check = authenticate;
export const parts = [Room, MemoryStorage, readConfig, DemoResponder] as const;
