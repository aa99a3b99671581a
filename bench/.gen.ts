import { renderRuleFile } from '../src/common/rules';
import { buildSloModel, DEMO_SERVICES, ORDER_SERVICE, generateSloRuleFiles } from '../src/slo';
const files = generateSloRuleFiles(buildSloModel([ORDER_SERVICE, ...DEMO_SERVICES]));
for (const f of files) { console.log('### ' + f.fileName); console.log(renderRuleFile(f.groups)); }
