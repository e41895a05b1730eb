/**
 * Run-wide settings chosen on the `npm run bench` command line. `--quick` shortens every measured
 * window (a smoke run of the harness; its figures are not the ones to publish).
 */
const state = { quick: false };

export function setQuick(quick: boolean): void {
  state.quick = quick;
}

export function isQuick(): boolean {
  return state.quick;
}

/** A measured window: the given seconds, or a fifth of them (at least 2 s) in a quick run. */
export function seconds(full: number): number {
  return state.quick ? Math.max(2, Math.round(full / 5)) : full;
}
