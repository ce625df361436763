// ESM jest: ts-jest with useESM; run through `node --experimental-vm-modules`.
const base = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }]
  },
  clearMocks: true
}
export default {
  testTimeout: 240_000,
  // One test file at a time on every machine: the e2e files share one docker engine and the
  // bottles' CPU, and the suite is measured green that way (a bigger runner would otherwise
  // run several real bottles at once, each with its own deadlines).
  maxWorkers: 1,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'], slowTestThreshold: 60 }
  ]
}
