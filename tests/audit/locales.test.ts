import { describe, expect, it } from 'vitest';
import { loadResources, translate } from '../../src/lib/i18n.js';
import type { BreakReason } from '../../src/modules/audit/audit.verify.js';

const keys = (obj: Record<string, unknown>, prefix = ''): string[] =>
  Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );

describe('audit locale namespace', () => {
  const resources = loadResources();

  it('has the same keys in English and Spanish', () => {
    expect(keys(resources.es!.audit!).sort()).toEqual(keys(resources.en!.audit!).sort());
  });

  it('explains every verification reason in both languages', () => {
    const reasons: BreakReason[] = ['edited', 'deleted', 'inserted', 'reordered', 'checkpoint_mismatch', 'anchor_mismatch'];
    for (const lng of ['en', 'es'])
      for (const r of reasons) expect(translate(lng, `audit:reasons.${r}`)).not.toBe(`audit:reasons.${r}`);
    expect(translate('es', 'audit:verify.intact', { chains: 2, events: 10, checkpoints: 1 })).toBe(
      'Íntegro: 2 cadenas, 10 eventos y 1 puntos de control firmados verificados.',
    );
  });
});
