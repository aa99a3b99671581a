// The demo services and load generator, for tests of other packages: '@observability-stack/instrumentation/demo'.
import { join, resolve } from 'node:path';

export * from './faults';
export * from './load';
export * from './order-service';
export * from './payment-service';

/**
 * Path of the compiled demo program, `<package>/lib/demo/main.js`, for `spawn(process.execPath, [DEMO_MAIN, 'all'])`
 * (the same from the sources and from lib/: both sit two levels under the package). Build first: the root
 * `npm test` builds the kit before anything else runs; by hand, `npm run build -w @observability-stack/instrumentation`.
 */
export const DEMO_MAIN: string = join(resolve(__dirname, '..', '..'), 'lib', 'demo', 'main.js');
