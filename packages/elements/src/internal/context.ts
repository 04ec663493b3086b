import { createContext } from '@lit/context';
import type { RealstreamClient } from '@realstream/client';

/** The client a `<realstream-room>` provides to the elements inside it. */
export const clientContext = createContext<RealstreamClient | undefined>(
  Symbol.for('realstream-client'),
);
