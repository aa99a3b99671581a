export * from './defaults';
export * from './config';
export * from './loki';
