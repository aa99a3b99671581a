// Test helpers for services instrumented with the kit: '@observability-stack/instrumentation/testing'.
export * from './otlp-receiver';
export * from './openmetrics';
