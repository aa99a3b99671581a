export * from './matcher';
export * from './receiver';
export * from './config';
export * from './defaults';
export * from './alertmanager';
