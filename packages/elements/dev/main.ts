// Dev page: ?room=, ?theme=light|dark, ?dir=rtl, ?name=, and ?demo=1 to send a prompt once live.
import '../src/define.js';

const params = new URLSearchParams(location.search);
const chat = document.querySelector('realstream-chat')!;
const { host } = await (await fetch('/__realstream-config')).json();
chat.theme = (params.get('theme') as 'light' | 'dark' | null) ?? 'auto';
if (params.get('dir')) document.documentElement.dir = params.get('dir')!;
chat.name = params.get('name') ?? 'Ada';
chat.room = params.get('room') ?? 'dev-lobby';
chat.host = host;

if (params.get('demo')) {
  await chat.updateComplete;
  const client = chat.client!;
  await new Promise<void>((resolve) => {
    const off = client.$status.subscribe(
      (s) => s.state === 'live' && (queueMicrotask(off), resolve()),
    );
  });
  await client.send(
    params.get('demo') === '1' ? 'How do resumable streams work?' : params.get('demo')!,
  );
}
