export * from './peer';
export * from './model';
export * from './policy';
export * from './stack-flows';
