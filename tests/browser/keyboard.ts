import type { Page } from 'playwright-core';

/** What the focused element is called (aria-label, labelled-by, or its text), and its tag. */
export async function focused(page: Page): Promise<{ name: string; tag: string; role: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { name: '', tag: '', role: null };
    const labelledBy = el.getAttribute('aria-labelledby');
    const byId = labelledBy
      ? labelledBy
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
      : '';
    const label = el.id ? (document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent ?? '') : '';
    const name = (el.getAttribute('aria-label') || byId || label || el.innerText || (el as HTMLInputElement).value || '').trim();
    return { name: name.replace(/\s+/g, ' '), tag: el.tagName.toLowerCase(), role: el.getAttribute('role') };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element's name matches, as a keyboard user
 * would; fails after `max` presses, so an element that Tab never reaches fails the test.
 */
export async function tabTo(page: Page, name: RegExp | string, { max = 80, back = false } = {}): Promise<void> {
  const matches = (n: string) => (typeof name === 'string' ? n === name : name.test(n));
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (matches(f.name)) return;
    seen.push(`${f.tag}:${f.name.slice(0, 40)}`);
  }
  throw new Error(`Tab never reached ${String(name)}; focus went through: ${seen.join(' | ')}`);
}

/** Types into the focused field. */
export async function type(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text);
}
