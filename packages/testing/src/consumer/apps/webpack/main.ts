// A TypeScript page bundled by webpack 5: tsc compiles it to build/ (no loader), then webpack
// bundles that (see webpack.config.mjs). The room server comes from the page's query
// (?host=&room=), as the test serves the app and the server on ports chosen at run time.
import '@realstream/elements/chat/define';

const params = new URLSearchParams(location.search);
const chat = document.createElement('realstream-chat');
chat.host = params.get('host') ?? 'localhost:1999';
chat.room = params.get('room') ?? 'lobby';
chat.name = 'Webpack';
document.querySelector('#app')?.append(chat);
