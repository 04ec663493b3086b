/**
 * Memory baseline for `npm run bench`: a partykit party that does only what the bench's clients need
 * of a room before they sit idle (hello -> welcome + empty snapshot). Its memory per connection is
 * workerd's and partykit's own cost of a WebSocket, so the memory row can tell that apart from the
 * room's. It answers any HTTP request with 200, which is how the bench sees it is up.
 */
import type * as Party from 'partykit/server';
import { helloAnswer } from './welcome.js';

export default class BareParty implements Party.Server {
  constructor(readonly room: Party.Room) {}

  onMessage(message: string | ArrayBuffer, sender: Party.Connection): void {
    if (typeof message !== 'string' || !message.includes('"hello"')) return;
    const url = new URL(sender.uri);
    for (const frame of helloAnswer(this.room.id, 0, url.searchParams)) sender.send(frame);
  }

  onRequest(): Response {
    return new Response('ok');
  }
}

BareParty satisfies Party.Worker;
