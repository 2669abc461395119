import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/dist/index.css';
import './styles/app.css';
import App from './app.vue';
import { i18n } from './i18n/app.i18n';
import { router } from './router/app.router';

createApp(App).use(createPinia()).use(router).use(i18n).mount('#app');
