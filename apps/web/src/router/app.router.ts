import { createRouter, createWebHistory } from 'vue-router';
import StatusPage from '../pages/status.page.vue';

export const router = createRouter({
  // The api serves index.html for any path outside /api, so history mode deep links work.
  history: createWebHistory(),
  routes: [
    { path: '/', name: 'status', component: StatusPage },
    { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('../pages/not-found.page.vue') },
  ],
});
