/// <reference lib="dom" />
import React from 'react';
import { Box, CheckBox, FormGroup, Label } from '@adminjs/design-system';
import { useTranslation, type EditPropertyProps } from 'adminjs';

/**
 * A list of choices (e.g. the roles that may approve) as a labelled group of checkboxes: one
 * focusable, named control per choice. AdminJS's own array editor adds icon-only add/remove
 * buttons, which a screen reader cannot name.
 */
export default function CheckboxGroupEdit({ property, record, onChange, resource }: EditPropertyProps) {
  const { translateProperty } = useTranslation();
  const path = property.path;
  const choices = (property.availableValues ?? []) as Array<{ value: string; label: string }>;
  const params = record.params ?? {};
  const selected = Object.keys(params)
    .filter((key) => key === path || key.startsWith(`${path}.`))
    .map((key) => String(params[key]))
    .filter((v) => v !== '' && v !== 'undefined');
  const legend = translateProperty(path, resource.id);
  const toggle = (value: string, on: boolean) => {
    const next = on ? [...new Set([...selected, value])] : selected.filter((v) => v !== value);
    onChange(path, next);
  };
  return (
    <FormGroup>
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend>
          <Label as="span">{legend}</Label>
        </legend>
        {choices.map((choice) => {
          const id = `${path}-${choice.value}`;
          return (
            <Box key={choice.value} flex alignItems="center" mb="sm">
              <CheckBox
                id={id}
                name={`${path}.${choice.value}`}
                checked={selected.includes(choice.value)}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => toggle(choice.value, event.target.checked)}
              />
              <Label inline htmlFor={id} ml="default">
                {choice.label}
              </Label>
            </Box>
          );
        })}
      </fieldset>
    </FormGroup>
  );
}
