// A React 19 app using every tag, typed by @realstream/elements/react alone.
import type {} from '@realstream/elements/react';
import type { RealstreamChat } from '@realstream/elements';
import { useRef } from 'react';

export function App({ token }: { token: string }) {
  const chat = useRef<RealstreamChat>(null);
  return (
    <realstream-room host="localhost:1999" room="lobby" token={token} getToken={() => token}>
      <realstream-chat
        ref={chat}
        theme="dark"
        className="chat"
        onrealstream-message-send={(event) => console.log(event.detail.text.length)}
        onrealstream-stream-end={(event) => console.log(event.detail.status)}
      />
      <realstream-tools noHistory selected="echo" onrealstream-tool-invoke={(e) => e.detail.name} />
      <realstream-dashboard scope="room" section="overview" feedLimit={50} />
      <realstream-schema-form disabled schema={{ type: 'object' }} />
      {/* @ts-expect-error: theme is a closed set of values */}
      <realstream-chat theme="blue" />
    </realstream-room>
  );
}
