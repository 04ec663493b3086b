// Replaces the Vite vanilla-ts scaffold's src/main.ts: the chat and nothing else, through the chat's
// own define entry, so the bundle is what an app that only wants the chat ships. The room server
// comes from the page's query (?host=&room=), as the test serves the app and the server on ports
// chosen at run time.
import '@realstream/elements/chat/define';

const params = new URLSearchParams(location.search);
const chat = document.createElement('realstream-chat');
chat.host = params.get('host') ?? 'localhost:1999';
chat.room = params.get('room') ?? 'lobby';
chat.name = 'Vite';
document.querySelector('#app')?.append(chat);
