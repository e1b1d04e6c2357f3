// Sign-in with an API key: the key is checked against the API, kept in session storage
// (gone when the tab closes), and the pages follow its role.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, storeKey, storedKey } from './api';
import type { ChainDisplay, Session } from './types';

interface SessionState {
  session: Session | null;
  chains: ChainDisplay[];
  loading: boolean;
  signIn(key: string): Promise<void>;
  signOut(): void;
}

const Ctx = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [chains, setChains] = useState<ChainDisplay[]>([]);
  const [loading, setLoading] = useState(!!storedKey());

  const load = async (key: string) => {
    const me = await api<Session>('/v1/session', { key });
    const list = await api<ChainDisplay[]>('/v1/chains', { key });
    storeKey(key);
    setChains(list);
    setSession(me);
  };

  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    load(key).catch(() => storeKey(null)).finally(() => setLoading(false));
  }, []);

  const value: SessionState = {
    session, chains, loading,
    signIn: load,
    signOut: () => {
      storeKey(null);
      setSession(null);
    },
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function isStaff(role: string | undefined): boolean {
  return role === 'analyst' || role === 'supervisor' || role === 'admin';
}
