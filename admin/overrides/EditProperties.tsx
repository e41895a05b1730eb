/// <reference lib="dom" />
import React from 'react';
import type { PropertyJSON } from 'adminjs';
import { KEYBOARD_FRIENDLY } from './FilterProperties.js';

type EditProps = { property: PropertyJSON; OriginalComponent?: React.ComponentType<Record<string, unknown>> } & Record<
  string,
  unknown
>;

/**
 * AdminJS's edit fields label their inputs with `<label for={property.path}>`, but its dropdowns
 * (react-select) and date pickers render an input with a generated id, so the label names
 * nothing. These wrappers hand the original component the id the label points at (its
 * `property.props` reach the react-select / date-picker input).
 */
function withInputId(kind: 'inputId' | 'id', when: (property: PropertyJSON) => boolean, extra: Record<string, unknown> = {}) {
  return function Labelled(props: EditProps) {
    const { OriginalComponent, property, ...rest } = props;
    if (!OriginalComponent) return null;
    const labelled = when(property) ? { ...property, props: { [kind]: property.path, ...extra, ...property.props } } : property;
    return <OriginalComponent {...rest} property={labelled} />;
  };
}

/** Enum fields (react-select) get the label's id; text fields already have it. */
export const DefaultEdit = withInputId('inputId', (p) => Boolean(p.availableValues));
/** Reference fields (an async react-select). */
export const ReferenceEdit = withInputId('inputId', () => true);
/** Date and date-time fields (react-datepicker passes `id` to its input). */
export const DatetimeEdit = withInputId('id', () => true, { ...KEYBOARD_FRIENDLY });
