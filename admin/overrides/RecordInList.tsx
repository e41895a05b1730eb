/// <reference lib="dom" />
import React, { useCallback, useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { CheckBox, Placeholder, TableCell, TableRow } from '@adminjs/design-system';
import {
  actionHref,
  BasePropertyComponent,
  buildActionClickHandler,
  useActionResponseHandler,
  useModal,
  useTranslation,
  type ActionJSON,
  type ActionResponse,
  type RecordJSON,
  type ResourceJSON,
} from 'adminjs';
import MenuButton from './MenuButton.js';
import { auditActionLabel, isAuditActionProperty } from './audit-action-label.js';

interface Props {
  resource: ResourceJSON;
  record: RecordJSON;
  actionPerformed?: (action: ActionResponse) => unknown;
  isLoading?: boolean;
  onSelect?: (record: RecordJSON) => void;
  isSelected?: boolean;
}

/**
 * A row of a list, usable by keyboard and screen reader: the row's title is a real link to the
 * record (Tab reaches it, Enter opens it; a click anywhere on the row still opens it too), the
 * checkbox is named after the record, and the "…" menu is a menu button that opens by keyboard.
 */
export default function RecordInList(props: Props) {
  const { resource, record: fromProps, actionPerformed, isLoading, onSelect, isSelected } = props;
  const [record, setRecord] = useState<RecordJSON>(fromProps);
  const navigate = useNavigate();
  const location = useLocation();
  const translateFunctions = useTranslation();
  const { translateLabel, translateAction, translateComponent } = translateFunctions;
  const modalFunctions = useModal();

  const handleActionCallback = useCallback(
    (response: ActionResponse) => {
      if (response.record && !response.redirectUrl) setRecord({ ...record, ...(response.record as RecordJSON) });
      else actionPerformed?.(response);
    },
    [actionPerformed, record],
  );
  const actionResponseHandler = useActionResponseHandler(handleActionCallback);
  useEffect(() => setRecord(fromProps), [fromProps]);

  const params = { resourceId: resource.id, recordId: record.id };
  const clickHandler = (action: ActionJSON) =>
    buildActionClickHandler({ action, params, actionResponseHandler, navigate, location, translateFunctions, modalFunctions });
  const open =
    record.recordActions.find(({ name }) => name === 'show') ?? record.recordActions.find(({ name }) => name === 'edit');
  const openHref = open ? actionHref(open, params) : null;

  // The link goes on the title column, or on the first column that is not itself a link.
  const linkColumn =
    resource.listProperties.find((p) => p.propertyPath === resource.titleProperty?.propertyPath) ??
    resource.listProperties.find((p) => p.type !== 'reference');
  // An audit event is named by its action's label (the code is no name for a screen reader).
  const title =
    (resource.titleProperty && isAuditActionProperty(resource.titleProperty) && record.title
      ? auditActionLabel(record.title, { translateComponent, translateLabel })
      : record.title) || record.id;

  const onRowClick = (event: React.MouseEvent) => {
    const target = event.target as HTMLElement;
    if (!open || target.closest('a, button, input, label, [role="menu"]')) return;
    clickHandler(open)(event);
  };

  return (
    <TableRow
      className={isSelected ? 'selected' : 'not-selected'}
      onClick={onRowClick}
      data-id={record.id}
      data-css={`${resource.id}-table-row`}
    >
      <TableCell width={0}>
        {onSelect && record.bulkActions.length ? (
          <CheckBox
            onChange={() => onSelect(record)}
            checked={isSelected}
            aria-label={translateLabel('selectRecord', resource.id, { title, defaultValue: `Select ${title}` })}
          />
        ) : null}
      </TableCell>
      {resource.listProperties.map((property) => {
        const value = isLoading ? (
          <Placeholder style={{ height: 14 }} />
        ) : (
          <BasePropertyComponent where="list" property={property} resource={resource} record={record} />
        );
        return (
          <TableCell
            key={property.propertyPath}
            style={{ cursor: open ? 'pointer' : undefined }}
            data-property-name={property.propertyPath}
            data-property-type={property.type}
            data-css={`${resource.id}-${property.name}-table-cell`}
          >
            {openHref && property === linkColumn && !isLoading ? (
              <Link className="bo-row-link" to={openHref}>
                {value}
              </Link>
            ) : (
              value
            )}
          </TableCell>
        );
      })}
      <TableCell key="options" className="options">
        {record.recordActions.length ? (
          <MenuButton
            icon="MoreHorizontal"
            testId="actions-dropdown"
            label={translateLabel('recordActions', resource.id, { title, defaultValue: `Actions for ${title}` })}
            items={record.recordActions.map((action) => ({
              key: action.name,
              label: translateAction(action.label, resource.id),
              icon: action.icon,
              variant: action.variant,
              href: action.component === false ? undefined : (actionHref(action, params) ?? undefined),
              onSelect: (event) => clickHandler(action)(event),
            }))}
          />
        ) : null}
      </TableCell>
    </TableRow>
  );
}
