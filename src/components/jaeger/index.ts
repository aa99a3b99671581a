export * from './defaults';
export * from './storage';
export * from './config';
export * from './jaeger';
