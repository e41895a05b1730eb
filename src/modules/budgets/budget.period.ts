/**
 * Budget periods, anchored on the budget's start date (a monthly budget starting on the 15th runs
 * from the 15th to the 14th). All dates are UTC calendar dates; `end` is exclusive.
 */
export type BudgetPeriod = 'WEEKLY' | 'MONTHLY' | 'YEARLY';

export interface PeriodRange {
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

const utcDate = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/** The anchor date moved by whole months, the day clamped to the target month's length. */
export function addMonths(anchor: Date, months: number): Date {
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(anchor.getUTCDate(), lastDay)));
}

/**
 * The period of a budget that contains `now`; before the budget starts, its first period; after
 * it ends, its last one (cut at the end date).
 */
export function currentPeriod(period: BudgetPeriod, startsOn: Date, endsOn: Date | null, now: Date): PeriodRange {
  const start0 = utcDate(startsOn);
  let ref = utcDate(now);
  if (ref < start0) ref = start0;
  const last = endsOn ? utcDate(endsOn) : null;
  if (last && ref > last) ref = last;

  let range: PeriodRange;
  if (period === 'WEEKLY') {
    const n = Math.floor((ref.getTime() - start0.getTime()) / (7 * DAY_MS));
    const start = new Date(start0.getTime() + n * 7 * DAY_MS);
    range = { start, end: new Date(start.getTime() + 7 * DAY_MS) };
  } else {
    const step = period === 'MONTHLY' ? 1 : 12;
    let n = Math.floor(
      ((ref.getUTCFullYear() - start0.getUTCFullYear()) * 12 + (ref.getUTCMonth() - start0.getUTCMonth())) / step,
    );
    if (addMonths(start0, n * step) > ref) n -= 1;
    range = { start: addMonths(start0, n * step), end: addMonths(start0, (n + 1) * step) };
  }
  if (last) {
    const afterLast = new Date(last.getTime() + DAY_MS);
    if (range.end > afterLast) range.end = afterLast;
  }
  return range;
}
