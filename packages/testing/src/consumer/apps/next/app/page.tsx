// A server component: rendered on the server for every request (it reads the query), with the chat
// inside as a client component, so the server imports the elements too and must not throw.
import { Chat } from './chat';

type Query = Record<string, string | string[] | undefined>;

export default async function Page({ searchParams }: { searchParams: Promise<Query> }) {
  const { host, room } = await searchParams;
  return (
    <main>
      <h1>Realstream on Next.js</h1>
      <Chat
        host={typeof host === 'string' ? host : 'localhost:1999'}
        room={typeof room === 'string' ? room : 'lobby'}
      />
    </main>
  );
}
