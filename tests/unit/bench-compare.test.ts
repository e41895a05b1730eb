import { describe, expect, it } from 'vitest';
import { improvement, lowerIsBetter, verdict } from '../../bench/compare.js';

const row = (before: number, after: number, unit: string) => ({
  module: 'm',
  name: 'n',
  unit,
  before,
  after,
  beforeRatio: Number.NaN,
  afterRatio: Number.NaN,
  change: improvement(before, after, unit),
});

describe('bench:compare judges each figure in its good direction', () => {
  it('time and error rates are better lower; throughput higher', () => {
    for (const unit of ['ms', 's', '%', 'MB']) expect(lowerIsBetter(unit)).toBe(true);
    for (const unit of ['req/s', 'writes/s', 'events/s', 'rows/s', 'x']) expect(lowerIsBetter(unit)).toBe(false);
  });

  it('a 10 % slower latency is within, 11 % is worse; 11 % faster is better', () => {
    expect(verdict(row(10, 11, 'ms'))).toBe('within');
    expect(verdict(row(10, 11.1, 'ms'))).toBe('worse');
    expect(verdict(row(10, 8.9, 'ms'))).toBe('better');
  });

  it('a throughput falling by more than 10 % is worse, rising is better', () => {
    expect(verdict(row(1000, 950, 'req/s'))).toBe('within');
    expect(verdict(row(1000, 880, 'req/s'))).toBe('worse');
    expect(verdict(row(1000, 1200, 'req/s'))).toBe('better');
  });

  it('a figure missing on one side is not judged', () => {
    expect(verdict(row(Number.NaN, 5, 'ms'))).toBe('—');
    expect(verdict(row(0, 0, '%'))).toBe('—');
  });
});
