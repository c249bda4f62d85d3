import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect } from 'react';
import { ApiError, get, NetworkError, onUnauthenticated, post } from '../lib/api';

export type Role = 'owner' | 'manager' | 'cashier' | 'agent' | 'kitchen';

export interface User {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: Role;
  locationIds: string[] | null;
  active: boolean;
}

const CACHE_KEY = 'mostrador.me';

interface AuthState {
  user: User | null;
  loading: boolean;
  /** True when the server could not be reached and the user comes from the last session. */
  offline: boolean;
  refresh(): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

function cachedUser(): User | null {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    return raw ? (JSON.parse(raw) as User) : null;
  } catch {
    return null;
  }
}

/**
 * Who is signed in. Offline, the last signed-in user is trusted so a terminal keeps selling
 * through a reload; the server checks the cookie again when the sales are sent.
 */
export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<{ user: User | null; offline: boolean }> => {
      try {
        const r = await get<{ user: User }>('/auth/me', { timeoutMs: 5000 });
        localStorage.setItem(CACHE_KEY, JSON.stringify(r.user));
        return { user: r.user, offline: false };
      } catch (err) {
        if (err instanceof NetworkError) return { user: cachedUser(), offline: true };
        if (err instanceof ApiError && err.status === 401) {
          localStorage.removeItem(CACHE_KEY);
          return { user: null, offline: false };
        }
        throw err;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });

  useEffect(
    () =>
      onUnauthenticated(() => {
        localStorage.removeItem(CACHE_KEY);
        qc.setQueryData(['me'], { user: null, offline: false });
      }),
    [qc],
  );

  const state: AuthState = {
    user: me.data?.user ?? null,
    loading: me.isLoading,
    offline: me.data?.offline ?? false,
    refresh: async () => {
      await qc.invalidateQueries({ queryKey: ['me'] });
    },
    logout: async () => {
      try {
        await post('/auth/logout');
      } catch {
        // signing out offline still forgets the user here
      }
      localStorage.removeItem(CACHE_KEY);
      qc.clear();
      qc.setQueryData(['me'], { user: null, offline: false });
    },
  };
  return <AuthContext.Provider value={state}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

export const MANAGER_ROLES: Role[] = ['owner', 'manager'];
export const SELLER_ROLES: Role[] = ['owner', 'manager', 'cashier'];

export function isManager(user: User | null): boolean {
  return !!user && MANAGER_ROLES.includes(user.role);
}

/** Everyone who uses the back office: managers fully, agents their orders and customers, the kitchen its queue. */
export const BACK_OFFICE_ROLES: Role[] = ['owner', 'manager', 'agent', 'kitchen'];

/** Where a person starts: the back office, the terminal, the orders board (agents) or the kitchen. */
export function homeOf(user: User): string {
  if (isManager(user)) return '/admin';
  if (user.role === 'agent') return '/admin/orders';
  if (user.role === 'kitchen') return '/admin/kitchen';
  return '/terminal';
}
