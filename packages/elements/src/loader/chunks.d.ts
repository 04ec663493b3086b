// Made by rollup.config.mjs (plugin `elementChunks`): the URL of each element's chunk, resolved against
// the loader's own URL, with the content hash of the build in the file name.
declare module 'virtual:realstream-chunks' {
  export const chunkUrls: Record<'room' | 'chat' | 'tools' | 'dashboard', string>;
}
