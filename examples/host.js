// The reference host's glue: which room (?room=), who you are (dev mode: a name kept in this
// browser), and a browser tool this page implements, so the tools page shows all three kinds.
const params = new URLSearchParams(location.search);
const room = params.get('room') || 'lobby';
const name = params.get('name') || localStorage.getItem('realstream.name') || randomName();
localStorage.setItem('realstream.name', name);

const provider = document.getElementById('room');
provider.setAttribute('host', location.host);
provider.setAttribute('room', room);
provider.setAttribute('name', name);

const form = document.getElementById('room-form');
form.elements.room.value = room;
form.elements.name.value = name;
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const next = new URLSearchParams({
    room: form.elements.room.value,
    name: form.elements.name.value,
  });
  location.search = next.toString();
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
