export * from './model';
export * from './grafana';
export * from './config';
export * from './defaults';
export * from './dashboard-checks';
export * from './service-overview';
