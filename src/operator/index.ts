export * from './model';
export * from './rules';
export * from './monitors';
export * from './alertmanager-config';
export * from './resources';
