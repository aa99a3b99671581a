export * from './queries';
export * from './variables';
export * from './panels';
export * from './service-overview';
export * from './slo';
export * from './slo-detail';
