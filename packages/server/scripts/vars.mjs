// Turns REALSTREAM_* variables of the calling environment into `partykit dev --var` flags, so
// `REALSTREAM_SECRET=... npm start` works as one would expect (partykit dev reads only --var and .env).
export function varFlags(env = process.env, extra = {}) {
  const vars = {
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('REALSTREAM_'))),
    ...extra,
  };
  return Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
}
