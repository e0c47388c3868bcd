// Prints one plain closing line, "jest: N passed, N failed, N skipped", that any CI reader understands.
// With DV_UNIT_RESULTS (a folder of `jest --json` results: the unit tier of scripts/test.sh, run through
// `nx run-many -t test` before this run), their tests are counted in the same line.
const fs = require('node:fs');
const path = require('node:path');

function unitResults() {
  const dir = process.env.DV_UNIT_RESULTS;
  if (!dir) return [];
  if (!fs.existsSync(dir)) throw new Error(`DV_UNIT_RESULTS=${dir} does not exist`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

class SummaryLineReporter {
  onRunComplete(_contexts, results) {
    const runs = [results, ...unitResults()];
    const sum = (key) => runs.reduce((n, r) => n + (r[key] ?? 0), 0);
    if (runs.length > 1) process.stdout.write(`\n[test] the unit tier (nx test, ${runs.length - 1} projects, ${sum('numTotalTests') - results.numTotalTests} tests) is counted in the line below\n`);
    const failed = sum('numFailedTests') + sum('numRuntimeErrorTestSuites');
    process.stdout.write(`\njest: ${sum('numPassedTests')} passed, ${failed} failed, ${sum('numPendingTests') + sum('numTodoTests')} skipped\n`);
  }
}
module.exports = SummaryLineReporter;
