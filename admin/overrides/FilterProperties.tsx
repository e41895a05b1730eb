/// <reference lib="dom" />
import React, { useState } from 'react';
import { DatePicker, FormGroup, Input, Label, Select, SelectAsync } from '@adminjs/design-system';
import { ApiClient, PropertyLabel, useTranslation, type PropertyJSON } from 'adminjs';
import { auditActionLabel, isAuditActionProperty } from './audit-action-label.js';

interface FilterProps {
  property: PropertyJSON;
  filter: Record<string, unknown>;
  onChange: (path: string, value: unknown) => void;
}

/** The id AdminJS's PropertyLabel points its `for` at in a filter (`filter-<path>`). */
export const filterInputId = (property: PropertyJSON, suffix = '') => `filter-${property.path}${suffix}`;
const valueOf = (filter: Record<string, unknown>, key: string): string => {
  const value = filter[key];
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
};

/** Text and enum filters, with the input (or the react-select input) labelled by the property's name. */
export function DefaultFilter({ property, filter, onChange }: FilterProps) {
  const { tl, translateComponent, translateLabel } = useTranslation();
  const value = valueOf(filter, property.path);
  let input: React.ReactNode;
  if (property.availableValues) {
    // A choice list; react-select filters it as one types (type-ahead), by the translated label.
    const options = property.availableValues.map((v) => ({
      ...v,
      label: isAuditActionProperty(property)
        ? auditActionLabel(String(v.value), { translateComponent, translateLabel })
        : tl(`${property.path}.${v.value}`, property.resourceId, { defaultValue: v.label ?? v.value }),
    }));
    if (isAuditActionProperty(property)) options.sort((a, b) => a.label.localeCompare(b.label));
    input = (
      <Select
        variant="filter"
        inputId={filterInputId(property)}
        value={options.find((o) => o.value === value) ?? ''}
        isClearable
        options={options}
        onChange={(s: { value?: string } | null) => onChange(property.path, s?.value ?? '')}
      />
    );
  } else {
    input = (
      <Input
        id={filterInputId(property)}
        name={filterInputId(property)}
        value={value}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => onChange(property.path, e.target.value)}
      />
    );
  }
  return (
    <FormGroup variant="filter">
      <PropertyLabel property={property} filter />
      {input}
    </FormGroup>
  );
}

/** Yes/no filters. */
export function BooleanFilter({ property, filter, onChange }: FilterProps) {
  const { tl, translateMessage } = useTranslation();
  const raw = valueOf(filter, property.path);
  const options = [
    {
      value: true,
      label: tl(`${property.path}.true`, property.resourceId, { defaultValue: translateMessage('yes', property.resourceId) }),
    },
    {
      value: false,
      label: tl(`${property.path}.false`, property.resourceId, { defaultValue: translateMessage('no', property.resourceId) }),
    },
  ];
  const selected = raw === '' ? '' : options.find((o) => o.value === /true/i.test(raw));
  return (
    <FormGroup variant="filter">
      <PropertyLabel property={property} filter />
      <Select
        variant="filter"
        inputId={filterInputId(property)}
        value={selected}
        isClearable
        options={options}
        onChange={(s: { value?: boolean } | null) => onChange(property.path, s ? s.value : undefined)}
      />
    </FormGroup>
  );
}

/** Filters on a reference: a searchable dropdown of the referenced records the staff member may see. */
export function ReferenceFilter({ property, filter, onChange }: FilterProps) {
  const [options, setOptions] = useState<Array<{ value: string; label: string }>>([]);
  const value = valueOf(filter, property.path);
  const loadOptions = async (query: string) => {
    const records = await new ApiClient().searchRecords({ resourceId: property.reference as string, query });
    const loaded = records.map((r) => ({ value: String(r.id), label: r.title }));
    setOptions(loaded);
    return loaded;
  };
  return (
    <FormGroup variant="filter">
      <PropertyLabel property={property} filter />
      <SelectAsync
        variant="filter"
        inputId={filterInputId(property)}
        value={options.find((o) => o.value === value) ?? ''}
        isClearable
        cacheOptions
        defaultOptions
        loadOptions={loadOptions}
        onChange={(s: { value?: string } | null) => onChange(property.path, s?.value ?? '')}
      />
    </FormGroup>
  );
}

/**
 * react-datepicker opens its calendar on focus and loops Tab inside it: a keyboard trap. The
 * date is typed in the field (YYYY/MM/DD), the calendar opens on click or Enter, and Tab moves on.
 */
export const KEYBOARD_FRIENDLY = { preventOpenOnFocus: true, enableTabLoop: false } as const;

/** Date ranges: two labelled date inputs ("from", "to"). */
export function DatetimeFilter({ property, filter, onChange }: FilterProps) {
  const { translateProperty } = useTranslation();
  const fromKey = `${property.path}~~from`;
  const toKey = `${property.path}~~to`;
  const name = translateProperty(property.label, property.resourceId);
  return (
    <FormGroup variant="filter" role="group" aria-label={name}>
      <PropertyLabel property={property} filter props={{ htmlFor: filterInputId(property, '-from') }} />
      <Label htmlFor={filterInputId(property, '-from')}>{`${translateProperty('from', property.resourceId)}`}</Label>
      <DatePicker
        id={filterInputId(property, '-from')}
        value={filter[fromKey] as string | undefined}
        onChange={(date: string | null) => onChange(fromKey, date)}
        propertyType={property.type}
        {...KEYBOARD_FRIENDLY}
      />
      <Label mt="default" htmlFor={filterInputId(property, '-to')}>{`${translateProperty('to', property.resourceId)}`}</Label>
      <DatePicker
        id={filterInputId(property, '-to')}
        value={filter[toKey] as string | undefined}
        onChange={(date: string | null) => onChange(toKey, date)}
        propertyType={property.type}
        {...KEYBOARD_FRIENDLY}
      />
    </FormGroup>
  );
}
