export * from './config';
export * from './config-checks';
export * from './config-render';
export * from './defaults';
export * from './model';
export * from './collector-pod';
export * from './agent';
export * from './gateway';
