/**
 * client-go's `wait.Jitter`: `duration + U[0,1) × maxFactor × duration`. A non-positive factor
 * means 1.0, as in client-go. Pure: the random source is injected so tests can pin the bounds.
 *
 * With the acquire loop's `JITTER_FACTOR` (1.2) and the default 2 s retry period the result lies
 * in [2 s, 4.4 s), which spreads candidates so they do not hit the API server in lock-step.
 */
export function jitter(
  duration: number,
  maxFactor: number,
  random: () => number = Math.random,
): number {
  const factor = maxFactor > 0 ? maxFactor : 1;
  let r = random();
  // A custom random source outside [0, 1) must not shorten the wait below `duration` or blow it up.
  if (!(r >= 0)) r = 0;
  if (r >= 1) r = 1 - 1e-9;
  return duration + r * factor * duration;
}
