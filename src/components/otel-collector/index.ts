export * from './config';
export * from './defaults';
export * from './collector-pod';
export * from './agent';
export * from './gateway';
