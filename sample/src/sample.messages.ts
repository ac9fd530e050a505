/**
 * Every message the sample prints about bad configuration, in one place, each naming the value
 * and how to fix it.
 */
export const sampleMessages = {
  notAPositiveInteger: (variable: string, value: string) =>
    `${variable} must be a positive whole number of milliseconds, got ${JSON.stringify(value)}: ` +
    `set it to e.g. ${variable}=15000 or unset it to use the default`,
  invalidPort: (value: string) =>
    `PORT must be a whole number between 0 and 65535, got ${JSON.stringify(value)}: ` +
    `set e.g. PORT=3000 (0 picks a free port)`,
  invalidChoice: (variable: string, value: string, choices: readonly string[]) =>
    `${variable} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, ` +
    `got ${JSON.stringify(value)}`,
  emptyLeaseName: () =>
    'LEASE_NAME must not be empty: set it to the name of the Lease to elect on, e.g. LEASE_NAME=sample-leader',
  startupFailed: (reason: string) => `The sample could not start: ${reason}`,
} as const;
