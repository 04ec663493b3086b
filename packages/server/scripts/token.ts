// `npm run token -- --room lobby --role member --name Ada [--sub ada] [--ttl 1h]`
// Signs a room token with REALSTREAM_SECRET, the way a host's backend would.
import { parseArgs } from 'node:util';
import { signToken } from '../src/auth.js';

const { values } = parseArgs({
  options: {
    room: { type: 'string', default: 'lobby' },
    role: { type: 'string', default: 'member' },
    name: { type: 'string', default: 'Guest' },
    sub: { type: 'string' },
    ttl: { type: 'string', default: '1h' },
  },
});
const secret = process.env.REALSTREAM_SECRET;
if (!secret) {
  console.error('Set REALSTREAM_SECRET (the same value the server has) to sign a token.');
  process.exit(2);
}
if (!['viewer', 'member', 'operator'].includes(values.role!)) {
  console.error(`--role ${values.role}: expected viewer, member or operator`);
  process.exit(2);
}
const token = await signToken(
  secret,
  {
    sub: values.sub ?? values.name!.toLowerCase(),
    name: values.name,
    room: values.room!,
    role: values.role as 'member',
  },
  values.ttl,
).catch((err: Error) => {
  console.error(`--room: ${err.message}`);
  process.exit(2);
});
console.log(token);
