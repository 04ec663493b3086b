// Replaces the Vite react-ts scaffold's src/App.tsx: every Realstream tag in JSX, typed by
// @realstream/elements/react alone (no declaration of our own), with React 19 event props wired to
// state the test reads back (React 19 passes `on<event>` props to custom elements as listeners).
import type {} from '@realstream/elements/react';
import '@realstream/elements/define';
import { useState } from 'react';

const params = new URLSearchParams(location.search);
const host = params.get('host') ?? 'localhost:1999';
const room = params.get('room') ?? 'lobby';

export default function App() {
  const [sent, setSent] = useState<string[]>([]);
  return (
    <realstream-room host={host} room={room} name="React">
      <realstream-chat
        theme="light"
        onrealstream-message-send={(event) => setSent((texts) => [...texts, event.detail.text])}
      />
      <output id="sent">{sent.join('\n')}</output>
      <realstream-tools noHistory onrealstream-tool-invoke={(event) => event.detail.name} />
      <realstream-dashboard scope="room" section="overview" feedLimit={100} />
      <realstream-schema-form
        schema={{ type: 'object', properties: { city: { type: 'string' } } }}
      />
    </realstream-room>
  );
}
