'use client';
// The chat as a client component. Its define import runs on the server too (Lit's node build
// registers nothing there); the tag is typed by @realstream/elements/react.
import type {} from '@realstream/elements/react';
import '@realstream/elements/chat/define';

export function Chat({ host, room }: { host: string; room: string }) {
  return <realstream-chat host={host} room={room} name="Next" />;
}
