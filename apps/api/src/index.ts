export * from './api-app.factory';
export { ApiModule } from './api.module';
