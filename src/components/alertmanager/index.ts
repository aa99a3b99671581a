export * from './matcher';
export * from './receiver';
export * from './config';
export * from './defaults';
export * from './model';
export * from './alertmanager';
