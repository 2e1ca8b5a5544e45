import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one closing line, `Summary: N passed, N failed, N skipped`, that CI reads to tell a run
 * that tested something from one that tested nothing. A file that failed outside its tests (a
 * `beforeAll` that threw, an import error) counts as one failure, named on a line of its own: its
 * tests are reported skipped, and the summary must not read as green.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const failedOutsideTests: string[] = [];
    for (const module of testModules) {
      let testFailed = false;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') {
          counts.failed += 1;
          testFailed = true;
        } else counts.skipped += 1;
      }
      if (module.state() === 'failed' && !testFailed) {
        counts.failed += 1;
        failedOutsideTests.push(module.relativeModuleId);
      }
    }
    for (const file of failedOutsideTests) console.log(`Failed outside its tests: ${file}`);
    console.log(
      `Summary: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
  }
}
