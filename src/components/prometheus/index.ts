export * from './prometheus';
export * from './config';
export * from './defaults';
export * from './scrape-config';
export * from './scrape-jobs';
export * from './platform-alerts';
