/// <reference lib="dom" />
import React from 'react';
import { Button, Icon } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

/** Page numbers around the current one (at most `size`), as AdminJS's own pagination shows them. */
export function pageWindow(page: number, last: number, size = 5): number[] {
  const start = Math.max(1, Math.min(page - Math.floor(size / 2), last - size + 1));
  return Array.from({ length: Math.min(size, last) }, (_, i) => start + i);
}

/**
 * Accessible pagination: a named navigation landmark, icon buttons with names, the current page
 * marked with aria-current (AdminJS's Pagination has unnamed icon-only buttons).
 */
export default function Pagination(props: {
  page: number;
  perPage: number;
  total: number;
  resourceId: string;
  onChange: (page: number) => void;
}) {
  const { page, perPage, total, resourceId, onChange } = props;
  const { translateLabel, translateButton } = useTranslation();
  const last = Math.max(1, Math.ceil(total / Math.max(1, perPage)));
  if (last <= 1) return null;
  const go = (n: number) => () => onChange(Math.min(Math.max(1, n), last));
  const iconButton = (name: string, icon: string, target: number, testId: string) => (
    <Button
      type="button"
      size="icon"
      variant="text"
      data-testid={testId}
      aria-label={translateButton(name, resourceId)}
      disabled={target === page}
      onClick={go(target)}
    >
      <Icon icon={icon} />
    </Button>
  );
  return (
    <nav aria-label={translateLabel('pagination', resourceId)} className="bo-pagination">
      {iconButton('firstPage', 'ChevronsLeft', 1, 'first')}
      {iconButton('previousPage', 'ChevronLeft', page - 1, 'previous')}
      {pageWindow(page, last).map((n) => (
        <Button
          key={n}
          type="button"
          size="icon"
          variant={n === page ? 'contained' : 'text'}
          aria-current={n === page ? 'page' : undefined}
          aria-label={translateButton('goToPage', resourceId, { page: n })}
          onClick={go(n)}
        >
          {n}
        </Button>
      ))}
      {iconButton('nextPage', 'ChevronRight', page + 1, 'next')}
      {iconButton('lastPage', 'ChevronsRight', last, 'last')}
    </nav>
  );
}
