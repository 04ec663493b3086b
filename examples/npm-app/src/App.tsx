// Chat, tools and dashboard inside one <realstream-room>: one socket, one member, three views.
// The JSX types of every tag come from @realstream/elements/react.
import type {} from '@realstream/elements/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TokenResponse } from '../server/token-route';
import { browserId, fetchToken } from './token';

const NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Linus', 'Margaret', 'Ken'];

type Session =
  | { state: 'loading' }
  | { state: 'ready'; first: TokenResponse }
  | { state: 'failed'; message: string };

export function App() {
  const [name] = useState(() => NAMES[Math.floor(Math.random() * NAMES.length)] ?? 'Guest');
  const [uid] = useState(() => browserId());
  const [session, setSession] = useState<Session>({ state: 'loading' });
  // The first token, until the room's first getToken takes it: fetching another one at once
  // would cost the backend a second signature for nothing.
  const firstToken = useRef<string | null>(null);

  // The first token also says which server and room to open; later ones come from getToken.
  useEffect(() => {
    let live = true;
    fetchToken(name, uid).then(
      (first) => {
        if (!live) return;
        firstToken.current = first.token;
        setSession({ state: 'ready', first });
      },
      (err: Error) => live && setSession({ state: 'failed', message: err.message }),
    );
    return () => {
      live = false;
    };
  }, [name, uid]);

  // One function for the life of the page: the room treats a new function as a new connection.
  const getToken = useCallback(async () => {
    const token = firstToken.current;
    firstToken.current = null;
    return token ?? (await fetchToken(name, uid)).token;
  }, [name, uid]);

  return (
    <div className="app">
      <header className="app-header">
        <a className="app-brand" href="/">
          <img src="/favicon.svg" alt="" width="22" height="22" />
          Realstream
        </a>
        <span className="app-room">
          {session.state === 'ready' ? `# ${session.first.room}` : 'connecting…'}
        </span>
        <span className="app-user" title="Your name and role in this room">
          {name}
          {session.state === 'ready' && <small> · {session.first.role}</small>}
        </span>
      </header>

      {session.state === 'failed' ? (
        <main className="app-main app-main--message">
          <div className="app-error" role="alert">
            <h1>Could not get a room token</h1>
            <p>{session.message}</p>
          </div>
        </main>
      ) : session.state === 'loading' ? (
        <main className="app-main app-main--message" aria-busy="true">
          <p className="app-loading">Getting a room token…</p>
        </main>
      ) : (
        <main className="app-main">
          <realstream-room host={session.first.host} room={session.first.room} getToken={getToken}>
            <section className="app-panel app-panel--chat" aria-label="Chat">
              <realstream-chat theme="auto" />
            </section>
            <section className="app-panel app-panel--tools" aria-label="Tools">
              <realstream-tools noHistory />
            </section>
            <section className="app-panel app-panel--dashboard" aria-label="Room dashboard">
              <realstream-dashboard scope="room" section="overview" feedLimit={200} />
            </section>
          </realstream-room>
        </main>
      )}
    </div>
  );
}
