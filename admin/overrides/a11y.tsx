/// <reference lib="dom" />
import React from 'react';

/** Text for screen readers only (visually hidden, still read and still in the accessibility tree). */
export const srOnly: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/** The id the skip link jumps to: the start of the page's own content, after the top bar. */
export const MAIN_CONTENT_ID = 'main-content';

/** Moves focus within a list of elements with the arrow keys, Home and End (menus, menu buttons). */
export function moveFocus(event: React.KeyboardEvent, items: HTMLElement[]): boolean {
  const index = items.indexOf(document.activeElement as HTMLElement);
  const next =
    event.key === 'ArrowDown'
      ? (index + 1) % items.length
      : event.key === 'ArrowUp'
        ? (index - 1 + items.length) % items.length
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? items.length - 1
            : -1;
  if (next < 0 || !items.length) return false;
  event.preventDefault();
  items[next]!.focus();
  return true;
}
