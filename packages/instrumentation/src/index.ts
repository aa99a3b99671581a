// Public API of @observability-stack/instrumentation (re-exports only). Fastify: '@observability-stack/instrumentation/fastify'.
export * from './conventions';
export * from './resource';
export * from './metrics';
export * from './tracing';
export * from './logger';
export * from './routes';
export * from './http-server';
export * from './http-client';
export * from './kit';
