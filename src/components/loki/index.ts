export * from './defaults';
export * from './model';
export * from './config';
export * from './loki';
