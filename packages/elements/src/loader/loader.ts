/**
 * realstream.min.js, the one file a page adds: it defines each Realstream tag the first time that
 * tag is in the document, and only then fetches that element's chunk (which imports the one chunk
 * of lit, @lit/context and the client that every element shares). A chat-only page never
 * downloads the tools or the dashboard.
 *
 * Chunk URLs are resolved against this file's own URL (import.meta.url), so the loader works from
 * another origin and under a CSP whose script-src names only the origin it is served from: no
 * eval, no inline script, only `import()` of files next to it.
 *
 * Found: tags in the document when the loader runs, and tags added later anywhere in the light DOM
 * (a MutationObserver on the document). Our own elements render no other tag in their shadow roots
 * except <realstream-schema-form> inside <realstream-tools>, which the tools chunk defines. A tag
 * inside some other component's shadow root is not seen: call `load(tag)` for it.
 * A page waits for a tag with `customElements.whenDefined(tag)` or `await load(tag)`.
 *
 * The room server serves this file, so an element the loader finds with a `room` but no `host`
 * (attribute or property) and no `<realstream-room>` around it connects to the server the loader
 * came from: a page can embed the chat with one tag and no address, on any port or domain.
 */
import { chunkUrls } from 'virtual:realstream-chunks';
import { RealstreamLoadErrorEvent } from '../events/load-error.js';

type Chunk = keyof typeof chunkUrls;

/** Which chunk defines each tag. The tools chunk defines the schema form the tool panel renders. */
const CHUNKS: Record<string, Chunk> = {
  'realstream-room': 'room',
  'realstream-chat': 'chat',
  'realstream-tools': 'tools',
  'realstream-schema-form': 'tools',
  'realstream-dashboard': 'dashboard',
};
const TAGS = Object.keys(CHUNKS);

/** One import per chunk, whichever tag asked first; a failed one stays failed (and reported once). */
const imports = new Map<Chunk, Promise<void>>();

function importChunk(tag: string): Promise<void> {
  const chunk = CHUNKS[tag];
  let done = imports.get(chunk);
  if (!done) {
    const url = chunkUrls[chunk];
    done = import(url).then(
      () => undefined,
      (error: unknown) => {
        report(chunk, url, error);
        throw error;
      },
    );
    imports.set(chunk, done);
  }
  return done;
}

/** A chunk that fails must not fail silently: the console names its URL, the elements get an event. */
function report(chunk: Chunk, url: string, error: unknown): void {
  const tags = TAGS.filter((t) => CHUNKS[t] === chunk);
  console.error(
    `Realstream: could not load ${url} (or a chunk it imports) for <${tags.join('>, <')}>, which stay undefined:`,
    error,
  );
  const elements = [...document.querySelectorAll(tags.join(','))];
  for (const target of elements.length ? elements : [document]) {
    for (const tag of tags) {
      if (target === document || (target as Element).localName === tag)
        target.dispatchEvent(new RealstreamLoadErrorEvent({ tag, url, error }));
    }
  }
}

/**
 * Defines `tag` now, whether or not it is in the document (a tag inside another component's shadow
 * root, say), and resolves with its class. Rejects with a TypeError for a tag that is not ours, or
 * with the import's error when the chunk cannot be loaded.
 */
export function load(tag: string): Promise<CustomElementConstructor> {
  if (!Object.hasOwn(CHUNKS, tag))
    return Promise.reject(
      new TypeError(`Realstream: no element <${tag}>; the tags are <${TAGS.join('>, <')}>`),
    );
  const defined = customElements.get(tag);
  if (defined) return Promise.resolve(defined);
  return importChunk(tag).then(() => customElements.whenDefined(tag));
}

const wanted = new Set(TAGS);

/** The elements that connect to a room themselves (the schema form does not). */
const CONNECTING = new Set([
  'realstream-room',
  'realstream-chat',
  'realstream-tools',
  'realstream-dashboard',
]);
const ownHost = new URL(import.meta.url).host;

/**
 * Gives `el` the loader's own host when it names a room but no host, and has no room element to
 * take a client from.
 */
function defaultHost(el: Element): void {
  if (!CONNECTING.has(el.localName) || el.hasAttribute('host') || !el.hasAttribute('room')) return;
  // A property set before the upgrade is an own property of the element; after it, a getter.
  if ((el as Element & { host?: unknown }).host) return;
  if (el.localName !== 'realstream-room' && el.parentElement?.closest('realstream-room')) return;
  el.setAttribute('host', ownHost);
}

/** Starts the import of every tag in `root` (itself included) not defined or asked for yet. */
function scan(root: Element | Document): void {
  const found = [...root.querySelectorAll(TAGS.join(','))];
  if (root instanceof Element && Object.hasOwn(CHUNKS, root.localName)) found.push(root);
  for (const el of found) {
    const tag = el.localName;
    defaultHost(el);
    if (!wanted.has(tag)) continue;
    for (const t of TAGS) if (CHUNKS[t] === CHUNKS[tag]) wanted.delete(t);
    // Another copy of the library (a bundle of the page) may have defined it already.
    if (!customElements.get(tag)) importChunk(tag).catch(() => undefined); // reported above
  }
}

const observer = new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      // Kept observing after every chunk is asked for: later elements still need a default host.
      if (node instanceof Element) scan(node);
    }
  }
});
observer.observe(document, { childList: true, subtree: true });
scan(document);
