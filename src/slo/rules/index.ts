export { errorIncreaseRecord, errorRateRecord, sloFilter, sloIdLabels, totalIncreaseRecord, totalRateRecord, windowLabels } from './expr';
export * from './sli';
export * from './metadata';
export * from './alerts';
export * from './absent';
export * from './breach';
export * from './inhibit';
export * from './files';
export * from './shapes';
