import { Prisma } from '@prisma/client';
import { describe, expect, it } from 'vitest';
import { diffRecords, isRedactedField, REDACTED, redactDetails, redactText } from '../../src/modules/audit/audit.redact.js';

describe('personal data never reaches the trail in clear', () => {
  it('diffRecords keeps changes of ordinary fields and masks personal ones (keeping empty vs set)', () => {
    const before = { id: 'u1', email: 'ann@example.com', name: 'Ann', phone: null, status: 'ACTIVE', updatedAt: new Date(1) };
    const after = {
      id: 'u1',
      email: 'bob@example.com',
      name: 'Ann',
      phone: '+34 600 000 000',
      status: 'LOCKED',
      updatedAt: new Date(2),
    };
    expect(diffRecords(before, after)).toEqual({
      email: { from: REDACTED, to: REDACTED },
      phone: { from: null, to: REDACTED },
      status: { from: 'ACTIVE', to: 'LOCKED' },
    });
  });

  it('records creation and deletion, with dates, decimals and bigints as strings and secrets masked', () => {
    const created = diffRecords(null, {
      id: 't1',
      amount: new Prisma.Decimal('12.30'),
      seq: 5n,
      occurredAt: new Date('2025-01-01T00:00:00Z'),
      passwordHash: '$argon2id$...',
      totpSecret: 'JBSWY3DPEHPK3PXP',
    });
    expect(created).toEqual({
      amount: { from: null, to: '12.3' },
      id: { from: null, to: 't1' },
      occurredAt: { from: null, to: '2025-01-01T00:00:00.000Z' },
      passwordHash: { from: null, to: REDACTED },
      seq: { from: null, to: '5' },
      totpSecret: { from: null, to: REDACTED },
    });
    expect(diffRecords({ id: 'x', name: 'Gone' }, null)).toEqual({
      id: { from: 'x', to: null },
      name: { from: REDACTED, to: null },
    });
  });

  it('redactDetails treats from/to as structure: a change pair keeps its values unless the field is personal', () => {
    // Regression: "to" is also a MailMessage field; it used to blank every diff's new value.
    expect(redactDetails({ status: { from: 'ACTIVE', to: 'SUSPENDED' } })).toEqual({
      status: { from: 'ACTIVE', to: 'SUSPENDED' },
    });
    expect(redactDetails(diffRecords({ email: 'a@b.example' }, { email: 'c@d.example' }))).toEqual({
      email: { from: REDACTED, to: REDACTED },
    });
    expect(redactDetails({ to: 'someone@example.com', subject: 'Hello Ann', count: 2 })).toEqual({
      to: REDACTED,
      subject: REDACTED,
      count: 2,
    });
  });

  it('masks personal fields at any depth and in any spelling', () => {
    expect(isRedactedField('phone_number')).toBe(true);
    expect(isRedactedField('E-mail')).toBe(true);
    expect(isRedactedField('EMAIL')).toBe(true);
    expect(isRedactedField('status')).toBe(false);
    expect(
      redactDetails({
        user: { firstName: 'Ann', address: { street: 'Main 1' }, tags: [{ iban: 'ES91 2100 0418 4502 0005 1332' }] },
        refreshToken: 'abc',
      }),
    ).toEqual({ user: { firstName: REDACTED, address: REDACTED, tags: [{ iban: REDACTED }] }, refreshToken: REDACTED });
  });

  it('masks email addresses inside free text and drops what PostgreSQL cannot store', () => {
    expect(redactText('customer ann.lee+x@mail.example.org called; cc ops@corp.example')).toBe(
      `customer ${REDACTED} called; cc ${REDACTED}`,
    );
    expect(redactDetails({ note: 'write to ann@example.com\u0000', n: Number.NaN, inf: Infinity, ok: 1.5 })).toEqual({
      note: `write to ${REDACTED}`,
      n: null,
      inf: null,
      ok: 1.5,
    });
  });
});
