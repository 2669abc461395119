import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LoginResultDto } from '@hotline/contracts';
import { authedClient, configureAuthedClient } from '../api/authed.client';

export type SessionUser = LoginResultDto['user'];

const STORAGE_KEY = 'hotline.session';

interface StoredSession {
  token: string;
  user: SessionUser;
  expiresAt: number;
}

/** sessionStorage: the login survives a reload of this tab but not the browser closing (shared desks). */
function restore(): StoredSession | null {
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    const session = raw ? (JSON.parse(raw) as StoredSession) : null;
    return session && session.expiresAt > Date.now() ? session : null;
  } catch {
    return null;
  }
}

/** Each role's landing page after login. */
export function homeFor(roles: readonly string[]): string {
  if (roles.includes('agent')) return '/agent';
  if (roles.includes('supervisor') || roles.includes('quality')) return '/wallboard';
  if (roles.includes('reviewer')) return '/review';
  if (roles.includes('unit_handler') || roles.includes('unit_admin')) return '/unit';
  if (roles.includes('admin')) return '/admin';
  return '/';
}

export const useSessionStore = defineStore('session', () => {
  const saved = restore();
  const token = ref<string | null>(saved?.token ?? null);
  const user = ref<SessionUser | null>(saved?.user ?? null);
  const expiresAt = ref(saved?.expiresAt ?? 0);
  const loggedIn = computed(() => token.value !== null && user.value !== null);

  function hasRole(...roles: string[]): boolean {
    return user.value?.roles.some((role) => roles.includes(role)) ?? false;
  }

  async function login(username: string, password: string): Promise<SessionUser> {
    const result = await authedClient.login(username, password);
    token.value = result.accessToken;
    user.value = result.user;
    expiresAt.value = Date.now() + result.expiresIn * 1000;
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ token: token.value, user: user.value, expiresAt: expiresAt.value } satisfies StoredSession));
    return result.user;
  }

  function logout(): void {
    token.value = null;
    user.value = null;
    expiresAt.value = 0;
    window.sessionStorage.removeItem(STORAGE_KEY);
  }

  configureAuthedClient({ token: () => token.value, unauthenticated: logout });

  return { token, user, loggedIn, hasRole, login, logout };
});
