export * from './health-probe.result';
export * from './ari-health.probe';
export * from './ami-health.probe';
