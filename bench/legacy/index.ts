export { generateSloRuleFiles as generateLegacySloRuleFiles } from './files';
