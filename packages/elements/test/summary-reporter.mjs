// A web-test-runner reporter that ends the run with the plain line CI and run-tests.mjs read:
// `N passed, N failed`. A test file that failed to load or threw outside a test counts as a failure.
export function summaryReporter() {
  let line = '';
  const count = (suite, totals) => {
    for (const test of suite.tests) {
      if (test.skipped) continue;
      if (test.passed) totals.passed++;
      else totals.failed++;
    }
    for (const child of suite.suites) count(child, totals);
  };
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0 };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, totals);
        const broken = !session.testResults || session.errors?.length > 0;
        if (
          broken ||
          (!session.passed &&
            !session.testResults?.tests.length &&
            !session.testResults?.suites.length)
        ) {
          totals.failed++;
        }
      }
      line = `${totals.passed} passed, ${totals.failed} failed`;
    },
    stop() {
      // The default reporter prints its summary after every reporter has stopped; the line must
      // come last, so it is written on exit (stdout to a pipe or file is synchronous on Linux).
      process.once('exit', () => line && process.stdout.write(`\n${line}\n`));
    },
  };
}
