export * from './defaults';
export * from './model';
export * from './config';
export * from './loki';
export * from './distributed-config';
export * from './distributed';
