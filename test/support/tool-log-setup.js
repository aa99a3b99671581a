// Jest globalSetup: a fresh log of the upstream programs the tests run (test/helpers/tools.ts appends one line per
// run; the summary reporter prints it once and removes it). Workers inherit the variable.
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'obs-tool-log-'));
  const file = join(dir, 'runs.jsonl');
  writeFileSync(file, '');
  process.env.OBS_TOOL_LOG = file;
};
