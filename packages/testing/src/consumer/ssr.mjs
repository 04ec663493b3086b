// Server-side rendering's view of the packed packages: plain node, no DOM, no tsx. Lit's node build
// brings its own customElements shim; `define` must also do nothing where there is none at all.
const elements = await import('@realstream/elements');
await import('@realstream/elements/define');
const client = await import('@realstream/client');
const protocol = await import('@realstream/protocol');
const tags = ['realstream-room', 'realstream-chat', 'realstream-tools', 'realstream-dashboard'];
const report = {
  classes: ['RealstreamChat', 'RealstreamRoom', 'RealstreamTools', 'RealstreamDashboard'].filter(
    (name) => typeof elements[name] === 'function',
  ),
  defined: tags.filter((tag) => globalThis.customElements.get(tag)),
  connect: typeof client.connect,
  parseServerFrame: typeof protocol.parseServerFrame,
};
delete globalThis.customElements;
elements.RealstreamChat.define('realstream-chat-elsewhere');
report.defineWithoutRegistry = 'returned';
console.log(JSON.stringify(report));
