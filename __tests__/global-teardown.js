// Removes the run's fixture cache (global-setup.js).
const fs = require("fs");

module.exports = async () => {
  const dir = process.env.AGGRIK8S_FIXTURE_CACHE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
