export * from './calls.errors';
export * from './calls-query.validation';
export * from './call-summary.mapper';
export * from './calls-query.service';
export * from './calls-read.module';
export * from './call-links.repository';
