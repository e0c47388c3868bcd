// Prints one plain closing line, "jest: N passed, N failed, N skipped", that any CI reader understands.
// With DV_UNIT_RESULTS (a folder of `jest --json` results: the unit tier of scripts/test.sh, run through
// `nx run-many -t test` before this run), their tests are counted in the same line. With DV_CLOSING_LINE (a
// file), the line is written there instead, and scripts/test.sh prints it as the run's very last line: a CI
// reader takes the closing line of the output, and jest's own summary and timing lines come after a reporter's.
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
    const line = `jest: ${sum('numPassedTests')} passed, ${failed} failed, ${sum('numPendingTests') + sum('numTodoTests')} skipped`;
    if (process.env.DV_CLOSING_LINE) fs.writeFileSync(process.env.DV_CLOSING_LINE, `${line}\n`);
    else process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryLineReporter;
