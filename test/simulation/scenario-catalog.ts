import { NAMED_SCENARIOS, type NamedScenario } from './named-scenarios.js';
import { REGRESSION_SCENARIOS } from './regression-cases.js';

/** Every scripted scenario: the named ones and the frozen regression cases. */
export const ALL_SCENARIOS: readonly NamedScenario[] = [
  ...NAMED_SCENARIOS,
  ...REGRESSION_SCENARIOS,
];

export function findScenario(name: string): NamedScenario {
  const s = ALL_SCENARIOS.find((x) => x.name === name);
  if (!s) {
    throw new Error(
      `unknown scenario "${name}"; known: ${ALL_SCENARIOS.map((x) => x.name).join(', ')}`,
    );
  }
  return s;
}
