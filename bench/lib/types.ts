/** One row of the benchmark table printed by `npm run bench` and written to docs/benchmarks.md. */
export interface BenchResult {
  /** What was measured, e.g. "GET /api/v1/transactions?limit=50 req/s". */
  name: string;
  /** The measured figure and its unit. */
  figure: number;
  unit: string;
  /** The baseline measured in the same run (same unit), when there is one. */
  baseline?: number;
  /** figure / baseline (or the ratio the goal is stated in). */
  ratio?: number;
  /** The goal, in words, e.g. ">= 40% of baseline". */
  goal: string;
  pass: boolean;
  notes?: string;
}
