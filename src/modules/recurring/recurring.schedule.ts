import type { Frequency } from '@prisma/client';

/** What the schedule needs of a RecurringRule. Dates are calendar dates at 00:00 UTC (`@db.Date`). */
export interface ScheduleRule {
  frequency: Frequency;
  interval: number;
  startsOn: Date;
  endsOn: Date | null;
  nextRunOn: Date;
}

const DAY_MS = 86_400_000;
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** A calendar date (UTC midnight) of a timestamp. */
export const toDateOnly = (d: Date): Date => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));

/** `YYYY-MM-DD` of a calendar date. */
export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The occurrence after `date`. Months and years keep the day of month of `startsOn`, clamped to
 * the month's length (31 Jan -> 28/29 Feb -> 31 Mar), so a schedule never drifts.
 */
export function nextOccurrence(rule: Pick<ScheduleRule, 'frequency' | 'interval' | 'startsOn'>, date: Date): Date {
  const step = Math.max(1, Math.trunc(rule.interval));
  switch (rule.frequency) {
    case 'DAILY':
      return new Date(date.getTime() + step * DAY_MS);
    case 'WEEKLY':
      return new Date(date.getTime() + 7 * step * DAY_MS);
    case 'MONTHLY':
    case 'YEARLY': {
      const months = rule.frequency === 'MONTHLY' ? step : 12 * step;
      const total = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
      const year = Math.floor(total / 12);
      const month = total % 12;
      const day = Math.min(rule.startsOn.getUTCDate(), daysInMonth(year, month));
      return new Date(Date.UTC(year, month, day));
    }
  }
}

/**
 * The occurrences due on or before `today` starting at `nextRunOn` (at most `max`), the next
 * date to run after them, and whether the rule has ended (past `endsOn`).
 */
export function dueOccurrences(rule: ScheduleRule, today: Date, max = 400): { dates: Date[]; next: Date; ended: boolean } {
  const limit = toDateOnly(today);
  const dates: Date[] = [];
  let d = toDateOnly(rule.nextRunOn);
  while (d <= limit && dates.length < max && (!rule.endsOn || d <= rule.endsOn)) {
    dates.push(d);
    d = nextOccurrence(rule, d);
  }
  return { dates, next: d, ended: !!rule.endsOn && d > rule.endsOn };
}
