import { Prisma } from '@prisma/client';
import fc from 'fast-check';
import { formatStoredAmount } from '../../src/http/api/serializers.js';
import { formatAmount } from '../../src/lib/money.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodIssuesToDetails } from '../../src/http/api/validation.js';
import { currentPeriod } from '../../src/modules/budgets/budget.period.js';
import { decodeCursor, encodeCursor } from '../../src/modules/shared/keyset.js';
import { checkAmount } from '../../src/modules/shared/ledger.schemas.js';
import { PositionalParams, prismaWhereToSql } from '../../src/modules/access/scope-sql.js';
import { AppError } from '../../src/lib/errors.js';
import { retryAfterSeconds } from '../../src/modules/rate-limit/rate-limit.policy.js';
import { randomTenantSlug } from '../../src/modules/tenants/tenant.schemas.js';

const d = (s: string) => new Date(`${s}T00:00:00.000Z`);
const day = (x: Date) => x.toISOString().slice(0, 10);

describe('budget periods (anchored on the start date, UTC, end exclusive)', () => {
  it('monthly, weekly and yearly periods containing now', () => {
    expect(currentPeriod('MONTHLY', d('2025-01-15'), null, new Date('2025-03-20T10:00:00Z'))).toEqual({
      start: d('2025-03-15'),
      end: d('2025-04-15'),
    });
    expect(currentPeriod('MONTHLY', d('2025-01-15'), null, new Date('2025-03-14T23:59:59Z'))).toEqual({
      start: d('2025-02-15'),
      end: d('2025-03-15'),
    });
    expect(currentPeriod('WEEKLY', d('2025-01-06'), null, new Date('2025-01-20T00:00:00Z'))).toEqual({
      start: d('2025-01-20'),
      end: d('2025-01-27'),
    });
    expect(currentPeriod('YEARLY', d('2020-07-01'), null, new Date('2025-06-30T12:00:00Z'))).toEqual({
      start: d('2024-07-01'),
      end: d('2025-07-01'),
    });
  });
  it('clamps the 31st to shorter months, handles leap years', () => {
    const p = currentPeriod('MONTHLY', d('2024-01-31'), null, new Date('2024-02-29T12:00:00Z'));
    expect([day(p.start), day(p.end)]).toEqual(['2024-02-29', '2024-03-31']);
    const y = currentPeriod('YEARLY', d('2024-02-29'), null, new Date('2025-03-01T00:00:00Z'));
    expect([day(y.start), day(y.end)]).toEqual(['2025-02-28', '2026-02-28']);
  });
  it('before the start: the first period; after the end: the last one, cut at the end date', () => {
    expect(currentPeriod('MONTHLY', d('2030-01-01'), null, new Date('2025-01-01T00:00:00Z'))).toEqual({
      start: d('2030-01-01'),
      end: d('2030-02-01'),
    });
    expect(currentPeriod('MONTHLY', d('2025-01-01'), d('2025-03-10'), new Date('2026-01-01T00:00:00Z'))).toEqual({
      start: d('2025-03-01'),
      end: d('2025-03-11'),
    });
  });
});

describe('amounts', () => {
  it.each([
    ['12.34', 'EUR', null],
    ['12.345', 'EUR', 'too_many_decimals'],
    ['12', 'JPY', null],
    ['12.5', 'JPY', 'too_many_decimals'],
    ['7.125', 'BHD', null],
    ['0', 'EUR', 'too_small'],
    ['-1', 'EUR', 'too_small'],
    ['1e3', 'EUR', 'invalid'],
    [' 1', 'EUR', 'invalid'],
    ['1234567890123456', 'EUR', 'too_big'],
    ['123456789012345.99', 'EUR', null],
  ])('%s %s → %s', (amount, currency, expected) => {
    expect(checkAmount(amount, currency)).toBe(expected);
  });
});

describe('formatting stored amounts', () => {
  it('agrees with formatAmount (half-even, currency scale) on numeric(19,4) values', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 19n - 1n }),
        fc.constantFrom('EUR', 'JPY', 'BHD', 'USD'),
        (units, currency) => {
          const text = `${units / 10_000n}.${(units % 10_000n).toString().padStart(4, '0')}`;
          expect(formatStoredAmount(new Prisma.Decimal(text), currency)).toBe(formatAmount(text, currency));
        },
      ),
      { numRuns: 2_000 },
    );
    expect(formatStoredAmount(new Prisma.Decimal('0.1250'), 'EUR')).toBe('0.12');
    expect(formatStoredAmount(new Prisma.Decimal('1500.0000'), 'JPY')).toBe('1500');
  });
});

describe('cursors', () => {
  it('round-trip and refuse tampering', () => {
    const key = { at: new Date('2025-01-01T00:00:00.123Z'), id: '0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    for (const bad of [
      '',
      '!!',
      Buffer.from('[2,"2025-01-01T00:00:00Z","0b6f3c1e-8e0a-4c3b-a9f1-5d2e7c4b9a21"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ])
      expect(() => decodeCursor(bad)).toThrow();
  });
});

describe('scope → SQL (positional parameters)', () => {
  const fields = { tenantId: 'uuid' } as const;
  const render = (w: unknown) => {
    const p = new PositionalParams();
    return { text: prismaWhereToSql(w, 't', fields, p), values: p.values };
  };
  it('renders what abilities produce, parameterised', () => {
    expect(render({ OR: [{ tenantId: 't1' }] })).toEqual({ text: 't."tenantId" = $1::uuid', values: ['t1'] });
    expect(render({ OR: [{ tenantId: { in: ['a', 'b'] } }] })).toEqual({
      text: 't."tenantId" = ANY($1::uuid[])',
      values: [['a', 'b']],
    });
    expect(render({})).toEqual({ text: 'TRUE', values: [] });
    expect(render({ OR: [] })).toEqual({ text: 'FALSE', values: [] });
    expect(render({ OR: [{ tenantId: { in: [] } }] })).toEqual({ text: 'FALSE', values: [] });
    expect(render({ AND: [{ tenantId: 'x' }, { NOT: { tenantId: 'y' } }] })).toEqual({
      text: '(t."tenantId" = $1::uuid) AND (NOT (t."tenantId" = $2::uuid))',
      values: ['x', 'y'],
    });
  });
  it('refuses (throws, fails closed) anything it does not understand', () => {
    expect(() => render({ OR: [{ accountId: 'x' }] })).toThrow(AppError);
    expect(() => render({ tenantId: { contains: 'x' } })).toThrow(AppError);
    expect(() => render({ 'tenantId" OR 1=1 --': 'x' })).toThrow(AppError);
    expect(() => render([])).toThrow(AppError);
  });
});

describe('zod issues → error details', () => {
  it('maps codes, fields and unknown keys', () => {
    const schema = z.strictObject({
      a_b: z.string(),
      n: z.number().max(3),
      c: z.string().refine(() => false, { params: { code: 'invalid_currency' } }),
    });
    const input = { n: 5, c: 'x', extra: 1 };
    const details = zodIssuesToDetails(schema.safeParse(input).error!.issues, input);
    expect(details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'a_b', code: 'required' }),
        expect.objectContaining({ field: 'n', code: 'too_big' }),
        expect.objectContaining({ field: 'c', code: 'invalid_currency' }),
        expect.objectContaining({ field: 'extra', code: 'unknown_field' }),
      ]),
    );
    const whole = zodIssuesToDetails(schema.safeParse(undefined).error!.issues, undefined);
    expect(whole).toEqual([expect.objectContaining({ field: 'body', code: 'required' })]);
  });
});

describe('small helpers', () => {
  it('Retry-After is whole seconds, at least 1', () => {
    expect(retryAfterSeconds(new Date(10_500), 10_000)).toBe(1);
    expect(retryAfterSeconds(new Date(70_000), 10_000)).toBe(60);
    expect(retryAfterSeconds(undefined, 0, 60_000)).toBe(60);
  });
  it('generated tenant slugs are valid, opaque and distinct', () => {
    const slugs = new Set(Array.from({ length: 1000 }, () => randomTenantSlug()));
    expect(slugs.size).toBe(1000);
    for (const slug of slugs) expect(slug).toMatch(/^hh-[0-9a-f]{12}$/);
  });
});
