import { describe, expect, it } from 'vitest';
import { displayMoney, formatAmount, hasValidScale, isSupportedCurrency, minorUnits, roundMoney } from '../../src/lib/money.js';

describe('money', () => {
  it('knows the minor units of JPY (0), EUR (2) and BHD (3)', () => {
    expect(minorUnits('JPY')).toBe(0);
    expect(minorUnits('EUR')).toBe(2);
    expect(minorUnits('BHD')).toBe(3);
  });

  it('rounds half-even to the currency scale, exactly (no float drift)', () => {
    expect(roundMoney('0.125', 'EUR').toFixed()).toBe('0.12');
    expect(roundMoney('0.135', 'EUR').toFixed()).toBe('0.14');
    expect(roundMoney('1234.5', 'JPY').toFixed()).toBe('1234');
    expect(roundMoney('1235.5', 'JPY').toFixed()).toBe('1236');
    expect(roundMoney('1.23456', 'BHD').toFixed()).toBe('1.235');
    // 0.1 + 0.2 would be 0.30000000000000004 in floats.
    expect(roundMoney('0.1', 'EUR').plus('0.2').toFixed(2)).toBe('0.30');
  });

  it('formats JSON amounts as strings with exactly the currency decimals', () => {
    expect(formatAmount('12.3', 'EUR')).toBe('12.30');
    expect(formatAmount('1500', 'JPY')).toBe('1500');
    expect(formatAmount('7', 'BHD')).toBe('7.000');
    expect(formatAmount('99999999999999.99', 'EUR')).toBe('99999999999999.99');
  });

  it('detects over-precise amounts for a currency', () => {
    expect(hasValidScale('12.34', 'EUR')).toBe(true);
    expect(hasValidScale('12.345', 'EUR')).toBe(false);
    expect(hasValidScale('12.5', 'JPY')).toBe(false);
    expect(hasValidScale('12.345', 'BHD')).toBe(true);
  });

  it('accepts only supported ISO 4217 codes', () => {
    expect(isSupportedCurrency('EUR')).toBe(true);
    expect(isSupportedCurrency('XYZ')).toBe(false);
    expect(isSupportedCurrency('eur')).toBe(false);
  });

  it('displays money in the staff member locale', () => {
    expect(displayMoney('1234.5', 'EUR', 'en')).toBe('€1,234.50');
    expect(displayMoney('1234.5', 'EUR', 'es').replace(/\s/g, ' ')).toBe('1234,50 €');
    expect(displayMoney('1500', 'JPY', 'en')).toBe('¥1,500');
  });
});
