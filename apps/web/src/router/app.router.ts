import { createRouter, createWebHistory } from 'vue-router';
import StatusPage from '../pages/status.page.vue';
import { homeFor, useSessionStore } from '../stores/session.store';

declare module 'vue-router' {
  interface RouteMeta {
    /** Roles that may open the page; absent: public. */
    roles?: string[];
    /** Key under pageTitle.* for the header and the document title; absent: the status title. */
    titleKey?: string;
  }
}

export const router = createRouter({
  // The api serves index.html for any path outside /api, so history mode deep links work.
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'status', component: StatusPage },
    { path: '/login', name: 'login', component: () => import('../pages/login.page.vue'), meta: { titleKey: 'login' } },
    {
      path: '/agent',
      name: 'agent',
      component: () => import('../pages/agent-desk.page.vue'),
      meta: { roles: ['agent', 'supervisor'], titleKey: 'agent' },
    },
    {
      path: '/wallboard',
      name: 'wallboard',
      component: () => import('../pages/wallboard.page.vue'),
      meta: { roles: ['supervisor', 'quality', 'admin'], titleKey: 'wallboard' },
    },
    {
      path: '/unit',
      name: 'unit',
      component: () => import('../pages/unit-portal.page.vue'),
      meta: { roles: ['unit_handler', 'unit_admin'], titleKey: 'unit' },
    },
    {
      path: '/review',
      name: 'review',
      component: () => import('../pages/review-queue.page.vue'),
      meta: { roles: ['reviewer', 'supervisor', 'admin'], titleKey: 'review' },
    },
    {
      path: '/follow-ups',
      name: 'followUps',
      component: () => import('../pages/follow-ups.page.vue'),
      // The roles GET /api/surveys/follow-ups admits (apps/api/src/surveys).
      meta: { roles: ['quality', 'supervisor', 'reviewer'], titleKey: 'followUps' },
    },
    { path: '/admin', name: 'admin', component: () => import('../pages/admin.page.vue'), meta: { roles: ['admin'], titleKey: 'admin' } },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../pages/not-found.page.vue') },
  ],
});

router.beforeEach((to) => {
  const roles = to.meta.roles;
  if (!roles) return true;
  const session = useSessionStore();
  if (!session.loggedIn) return { name: 'login', query: { next: to.fullPath } };
  // Logged in but not for this page: their own landing page rather than an error.
  if (!session.hasRole(...roles)) return homeFor(session.user?.roles ?? []);
  return true;
});
