// Room inspector: follows a room over SSE (the same log the WebSocket carries) and posts messages
// over REST. Shows the protocol with nothing but the browser: EventSource resumes by Last-Event-ID.
const $ = (id) => document.getElementById(id);
const messages = new Map();
let source = null;
let room = '';

function render() {
  const list = $('messages');
  list.replaceChildren(
    ...[...messages.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((m) => {
        const li = document.createElement('li');
        li.dataset.status = m.status;
        const who = document.createElement('span');
        who.className = 'who';
        who.textContent = `${m.author.name} · ${m.status}`;
        li.append(who, document.createTextNode(m.text)); // text, never HTML
        return li;
      }),
  );
}

function logLine(text) {
  const li = document.createElement('li');
  li.textContent = text;
  $('log').prepend(li);
  while ($('log').childElementCount > 300) $('log').lastChild.remove();
}

function apply(frame) {
  if (frame.type === 'snapshot') {
    messages.clear();
    for (const m of frame.messages) messages.set(m.id, m);
    logLine(`#${frame.seq} snapshot: ${frame.messages.length} messages`);
    return render();
  }
  if (frame.type !== 'event') return;
  const e = frame.event;
  logLine(
    `#${frame.seq} ${e.type}${e.type === 'message.delta' ? ` @${e.offset} +${e.text.length}` : ''}`,
  );
  if (e.type === 'message.created') messages.set(e.message.id, e.message);
  const m = messages.get(e.messageId);
  if (m && e.type === 'message.delta' && e.offset + e.text.length > m.text.length) {
    m.text += e.text.slice(m.text.length - e.offset);
  }
  if (m && (e.type === 'message.completed' || e.type === 'message.failed')) {
    m.text = e.text;
    m.status = e.type === 'message.failed' ? 'failed' : e.status;
  }
  render();
}

function open(name) {
  source?.close();
  room = name;
  messages.clear();
  render();
  source = new EventSource(`/parties/main/${encodeURIComponent(room)}/events`);
  $('status').textContent = 'connecting…';
  source.onopen = () => ($('status').textContent = `live in ${room}`);
  source.onerror = () => ($('status').textContent = 'reconnecting…');
  source.onmessage = (msg) => apply(JSON.parse(msg.data));
}

// The room is in the URL (?room=), as on the other pages of the host, whose links keep it.
function keepRoomInLinks() {
  for (const link of document.querySelectorAll('a[data-keep-room]')) {
    link.href = `${link.pathname}?${new URLSearchParams({ room })}`;
    if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page');
  }
}

$('room-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('room').value = new URLSearchParams(location.search).get('room') || $('room').value;
  open($('room').value);
  keepRoomInLinks();
  history.replaceState(null, '', `${location.pathname}?${new URLSearchParams({ room })}`);
  keepRoomInLinks();
});

$('send-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text || !room) return;
  const res = await fetch(`/parties/main/${encodeURIComponent(room)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ text }),
  });
  if (res.ok) $('text').value = '';
  else logLine(`send failed: ${(await res.json()).error.message}`);
});

$('room').value = new URLSearchParams(location.search).get('room') || $('room').value;
open($('room').value);
keepRoomInLinks();
