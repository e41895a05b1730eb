/// <reference lib="dom" />
import React, { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '@adminjs/design-system';
import { moveFocus } from './a11y.js';

export interface MenuItem {
  key: string;
  label: string;
  icon?: string;
  href?: string;
  variant?: string;
  onSelect: (event: React.MouseEvent | React.KeyboardEvent) => void;
}

/**
 * A menu button (WAI-ARIA APG "menu button"): opens on Enter, Space or ArrowDown (and on click),
 * moves with the arrow keys, closes on Escape (focus goes back to the button) and on Tab.
 * Replaces AdminJS's hover-only dropdowns (the row "…" menu, the user menu).
 */
export default function MenuButton(props: {
  label: string;
  icon?: string;
  text?: string;
  items: MenuItem[];
  align?: 'left' | 'right';
  testId?: string;
}) {
  const { label, icon, text, items, align = 'right', testId } = props;
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const id = useId();
  const menuItems = () => Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    if (!open) return;
    menuItems()[0]?.focus();
    const onPointer = (event: MouseEvent) => {
      if (!button.current?.parentElement?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onPointer);
    return () => document.removeEventListener('mousedown', onPointer);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  return (
    <span style={{ position: 'relative', display: 'inline-block' }} onClick={(e) => e.stopPropagation()}>
      <button
        ref={button}
        type="button"
        className="bo-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        aria-label={label}
        data-testid={testId}
        onClick={() => setOpen((v) => !v)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {icon ? <Icon icon={icon} /> : null}
        {text ? <span>{text}</span> : null}
      </button>
      {open ? (
        <ul
          ref={menu}
          id={id}
          role="menu"
          aria-label={label}
          className="bo-menu"
          style={{ [align]: 0 }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              close(true);
            } else if (e.key === 'Tab') close(false);
            else moveFocus(e, menuItems());
          }}
        >
          {items.map((item) => (
            <li key={item.key} role="none">
              {item.href ? (
                <a
                  role="menuitem"
                  href={item.href}
                  tabIndex={-1}
                  className={item.variant === 'danger' ? 'bo-menu-item danger' : 'bo-menu-item'}
                  onClick={(e) => {
                    close(false);
                    item.onSelect(e);
                  }}
                >
                  {item.icon ? <Icon icon={item.icon} /> : null}
                  <span>{item.label}</span>
                </a>
              ) : (
                <button
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  className={item.variant === 'danger' ? 'bo-menu-item danger' : 'bo-menu-item'}
                  onClick={(e) => {
                    close(false);
                    item.onSelect(e);
                  }}
                >
                  {item.icon ? <Icon icon={item.icon} /> : null}
                  <span>{item.label}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </span>
  );
}
