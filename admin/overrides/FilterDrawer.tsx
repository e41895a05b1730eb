/// <reference lib="dom" />
import React, { useEffect, useId, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { Box, Button, Drawer, DrawerContent, DrawerFooter, H3, Icon } from '@adminjs/design-system';
import { BasePropertyComponent, useFilterDrawer, useQueryParams, useTranslation, type ResourceJSON } from 'adminjs';

const defined = (filter: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== null));

/**
 * The filter drawer as a labelled dialog: rendered only while open (its fields are not in the
 * page while hidden), focus moves into it on open and back to the Filter button on close, Escape
 * closes it, and its close button has a name.
 */
export default function FilterDrawer({ resource }: { resource: ResourceJSON }) {
  const [filter, setFilter] = useState<Record<string, unknown>>({});
  const params = useParams<{ resourceId: string }>();
  const { translateButton, translateLabel } = useTranslation();
  const { isVisible, close } = useFilterDrawer();
  const { storeParams, clearParams, filters } = useQueryParams();
  const heading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const id = useId();

  useEffect(() => setFilter({}), [params.resourceId]);
  useEffect(() => {
    if (filters) setFilter(filters);
  }, [filters]);
  useEffect(() => {
    if (isVisible) {
      opener.current = document.activeElement as HTMLElement | null;
      heading.current?.focus();
    } else if (opener.current) {
      opener.current.focus();
      opener.current = null;
    }
  }, [isVisible]);

  if (!isVisible) return null;
  const onChange = (name: unknown, value: unknown) =>
    setFilter((prev) => ({ ...prev, [String(name)]: typeof value === 'string' && !value.length ? undefined : value }));

  return (
    <Drawer
      variant="filter"
      as="form"
      role="dialog"
      aria-labelledby={`${id}-title`}
      data-css={`${resource.id}-filter-drawer`}
      onKeyDown={(e: React.KeyboardEvent) => {
        // Escape inside an open dropdown closes the dropdown first (react-select handles it).
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          close();
        }
      }}
      onSubmit={(e: React.FormEvent) => {
        e.preventDefault();
        storeParams({ filters: defined(filter), page: '1' });
      }}
      onReset={(e: React.FormEvent) => {
        e.preventDefault();
        clearParams('filters');
        setFilter({});
      }}
    >
      <DrawerContent>
        <Box flex justifyContent="space-between" alignItems="center">
          <H3 id={`${id}-title`} ref={heading} tabIndex={-1}>
            {translateLabel('filters', resource.id)}
          </H3>
          <Button
            type="button"
            variant="light"
            size="icon"
            rounded
            color="text"
            aria-label={translateButton('closeFilters', resource.id)}
            onClick={close}
          >
            <Icon icon="X" />
          </Button>
        </Box>
        <Box my="x3">
          {resource.filterProperties.map((property) => (
            <BasePropertyComponent
              key={property.propertyPath}
              where="filter"
              onChange={onChange as never}
              property={property}
              filter={filter}
              resource={resource}
            />
          ))}
        </Box>
      </DrawerContent>
      <DrawerFooter>
        <Button type="reset" variant="light">
          {translateButton('resetFilter', resource.id)}
        </Button>
        <Button type="submit" variant="contained">
          {translateButton('applyChanges', resource.id)}
        </Button>
      </DrawerFooter>
    </Drawer>
  );
}
