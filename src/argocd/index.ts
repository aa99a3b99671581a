export * from './sync-waves';
export * from './application';
export * from './layout';
