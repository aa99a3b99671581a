// Prints, once per run, which upstream programs the checks ran with which versions (from the log that
// test/helpers/tools.ts writes), then one plain closing line, "Tests: N passed, N failed, N skipped", that CI logs
// read in any language.
const { existsSync, readFileSync, writeFileSync } = require('node:fs');

function toolSummary() {
  const file = process.env.OBS_TOOL_LOG;
  if (!file || !existsSync(file)) return '';
  const runs = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const { binary, version, check } = JSON.parse(line);
    const key = `${binary} ${version}`;
    if (!runs.has(key)) runs.set(key, new Map());
    const checks = runs.get(key);
    checks.set(check, (checks.get(check) ?? 0) + 1);
  }
  writeFileSync(file, ''); // test/support/tool-log-teardown.js removes it
  if (runs.size === 0) return '\nUpstream programs: none ran in this selection of tests\n';
  const lines = [...runs.keys()].sort().map((key) => {
    const checks = [...runs.get(key)].sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => `${c} ×${n}`);
    return `  ${key.padEnd(26)} ${checks.join(', ')}`;
  });
  return `\nUpstream programs the checks ran (program version: check × runs):\n${lines.join('\n')}\n`;
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `${toolSummary()}\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
