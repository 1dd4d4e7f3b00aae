import {defineConfig} from 'vitest/config'

// Three projects so a developer can run one layer at a time; `vitest run` runs all of them.
export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    // Most test time is spent waiting on child processes (the CLI, kubectl) and the fake server's
    // sockets, not on this process's CPU: more files in flight than the machine's 2 cores pays off.
    // The default (cores - 1 = 1 worker) runs every file one after another.
    maxWorkers: 4,
    projects: [
      {extends: true, test: {name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000}},
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'fake-openshift/src/**/*.test.ts'],
          // Generous: a test runs several CLI processes in a row, on 2 cores shared with 3 other files.
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
