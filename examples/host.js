// The reference host's glue: which room (?room=, chosen in the header's room picker), who you are
// (dev mode: a name kept in this browser), a room token for a server with REALSTREAM_SECRET (the
// header's token field, or ?token=), and a browser tool this page implements, so the tools page
// shows all three kinds of tool.
const params = new URLSearchParams(location.search);
const room = params.get('room') || 'lobby';
const name = params.get('name') || localStorage.getItem('realstream.name') || randomName();
localStorage.setItem('realstream.name', name);

// A token is a credential: kept for this tab only (sessionStorage), per room (a token names its
// room), and taken out of the address bar when it came as ?token=, so that a copied link or the
// history does not carry it.
const tokenKey = `realstream.token.${room}`;
if (params.has('token')) {
  const given = params.get('token');
  if (given) sessionStorage.setItem(tokenKey, given);
  else sessionStorage.removeItem(tokenKey);
  params.delete('token');
  history.replaceState(null, '', `${location.pathname}?${params}${location.hash}`);
}
const token = sessionStorage.getItem(tokenKey) ?? '';

const provider = document.getElementById('room');
provider.setAttribute('host', location.host);
provider.setAttribute('room', room);
provider.setAttribute('name', name);
if (token) provider.setAttribute('token', token);

// The rooms this browser joined lately, offered by the room picker.
const recent = [room, ...JSON.parse(localStorage.getItem('realstream.rooms') ?? '[]')]
  .filter((r, i, all) => typeof r === 'string' && all.indexOf(r) === i)
  .slice(0, 8);
localStorage.setItem('realstream.rooms', JSON.stringify(recent));
document
  .getElementById('room-list')
  .replaceChildren(
    ...[...new Set([...recent, 'lobby'])].map((r) => Object.assign(new Option(), { value: r })),
  );

const form = document.getElementById('room-form');
form.elements.room.value = room;
form.elements.name.value = name;
form.elements.token.value = token;
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const next = form.elements.room.value;
  const typed = form.elements.token.value.trim();
  if (typed) sessionStorage.setItem(`realstream.token.${next}`, typed);
  else sessionStorage.removeItem(`realstream.token.${next}`);
  location.search = new URLSearchParams({ room: next, name: form.elements.name.value }).toString();
});

for (const link of document.querySelectorAll('a[data-keep-room]')) {
  link.href = `${link.pathname}?${new URLSearchParams({ room })}`;
  if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page');
}
for (const title of document.querySelectorAll('.host-room-title')) title.textContent = `# ${room}`;

// A tool that runs in this browser: the room routes calls of it here while the page is open.
await customElements.whenDefined('realstream-room');
provider.registerTool(
  {
    name: 'browser.page_info',
    title: 'Page info',
    description:
      'Facts about a browser that has the reference host open: its language, time zone, screen size and whether the tab is visible.',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    timeoutMs: 5000,
  },
  async (_args, ctx) => {
    ctx.progress({ text: 'reading navigator and screen…\n', percent: 50 });
    return {
      language: navigator.language,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      screen: `${screen.width}×${screen.height}`,
      visible: document.visibilityState === 'visible',
      answeredBy: name,
    };
  },
);

function randomName() {
  const names = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Ken', 'Margaret', 'Donald'];
  return `${names[Math.floor(Math.random() * names.length)]} ${Math.floor(Math.random() * 90 + 10)}`;
}
