export * from './defaults';
export * from './storage';
export * from './model';
export * from './config';
export * from './jaeger';
