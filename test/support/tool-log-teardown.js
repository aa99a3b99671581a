// Jest globalTeardown: removes the run's log of upstream programs (test/support/tool-log-setup.js), after the
// summary reporter printed it.
const { rmSync } = require('node:fs');
const { dirname } = require('node:path');

module.exports = async () => {
  const file = process.env.OBS_TOOL_LOG;
  if (file) rmSync(dirname(file), { recursive: true, force: true });
};
