export * from './thanos';
