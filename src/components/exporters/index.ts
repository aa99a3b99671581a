export * from './defaults';
export * from './node-exporter';
export * from './kube-state-metrics';
export * from './blackbox-config';
export * from './blackbox-exporter';
