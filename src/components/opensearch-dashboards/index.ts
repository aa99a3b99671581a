export * from './defaults';
export * from './config';
export * from './opensearch-dashboards';
