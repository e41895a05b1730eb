/// <reference lib="dom" />
import React, { useId, useState } from 'react';
import { Icon } from '@adminjs/design-system';
import { useNavigationResources, useTranslation, type ResourceJSON } from 'adminjs';

interface Element {
  label: string;
  href?: string;
  icon?: string;
  isSelected?: boolean;
  onClick?: (event: React.MouseEvent) => void;
  elements?: Element[];
}

const COLLAPSED_KEY = 'backoffice.navigation.collapsed';
const loadCollapsed = (): Record<string, boolean> => {
  try {
    return JSON.parse(window.localStorage.getItem(COLLAPSED_KEY) ?? '{}') as Record<string, boolean>;
  } catch {
    return {};
  }
};

function ResourceLink({ element }: { element: Element }) {
  return (
    <li>
      <a
        href={element.href}
        className={element.isSelected ? 'bo-nav-link selected' : 'bo-nav-link'}
        aria-current={element.isSelected ? 'page' : undefined}
        onClick={element.onClick}
      >
        {element.icon ? <Icon icon={element.icon} /> : null}
        <span>{element.label}</span>
      </a>
    </li>
  );
}

function Group({ element, collapsed, toggle }: { element: Element; collapsed: boolean; toggle: () => void }) {
  const id = useId();
  return (
    <li className="bo-nav-group">
      <h2 className="bo-nav-heading">
        <button type="button" aria-expanded={!collapsed} aria-controls={id} onClick={toggle}>
          {element.icon ? <Icon icon={element.icon} /> : null}
          <span>{element.label}</span>
          <Icon icon={collapsed ? 'ChevronDown' : 'ChevronUp'} />
        </button>
      </h2>
      <ul id={id} hidden={collapsed}>
        {(element.elements ?? []).map((child) => (
          <ResourceLink key={child.href ?? child.label} element={child} />
        ))}
      </ul>
    </li>
  );
}

/**
 * The navigation as a named landmark whose groups start expanded (every resource is one Tab
 * away) and whose group headings are real buttons (focusable, with aria-expanded). A group the
 * staff member collapses stays collapsed (localStorage), unless it holds the current page.
 */
export default function SidebarResourceSection({ resources }: { resources: ResourceJSON[] }) {
  const elements = useNavigationResources(resources) as unknown as Element[];
  const { translateLabel } = useTranslation();
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>(loadCollapsed);
  const toggle = (label: string) => () =>
    setCollapsed((prev) => {
      const next = { ...prev, [label]: !prev[label] };
      window.localStorage.setItem(COLLAPSED_KEY, JSON.stringify(next));
      return next;
    });
  return (
    <nav aria-label={translateLabel('navigation')} className="bo-nav">
      <ul>
        {elements.map((element) =>
          element.elements ? (
            <Group
              key={element.label}
              element={element}
              collapsed={Boolean(collapsed[element.label]) && !element.elements.some((e) => e.isSelected)}
              toggle={toggle(element.label)}
            />
          ) : (
            <ResourceLink key={element.href ?? element.label} element={element} />
          ),
        )}
      </ul>
    </nav>
  );
}
