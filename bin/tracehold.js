#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so a checkout works right after `npm install`.
require('tsx/cjs');
const { main } = require('../services/cli/main.ts');
main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write(`tracehold: ${error && error.message}\n`); process.exitCode = 1; },
);
