#!/usr/bin/env node
// In a checkout, runs the TypeScript CLI through tsx, so it works right after `npm install`.
// In the production image (NODE_ENV=production), runs the compiled CLI from dist/.
const fs = require('node:fs');
const path = require('node:path');
const compiled = path.join(__dirname, '../dist/services/cli/main.js');
let cli;
if (process.env.NODE_ENV === 'production' && fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('tsx/cjs');
  cli = require('../services/cli/main.ts');
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write(`tracehold: ${error && error.message}\n`); process.exitCode = 1; },
);
