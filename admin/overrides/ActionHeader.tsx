/// <reference lib="dom" />
import React, { useEffect } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Badge, Box, cssClass, H2, H3, Icon } from '@adminjs/design-system';
import {
  actionHref,
  Breadcrumbs,
  buildActionClickHandler,
  useActionResponseHandler,
  useFilterDrawer,
  useModal,
  useTranslation,
  type ActionJSON,
  type ActionResponse,
  type RecordJSON,
  type ResourceJSON,
} from 'adminjs';
import { auditActionLabel, isAuditActionProperty } from './audit-action-label.js';

interface Props {
  resource: ResourceJSON;
  record?: RecordJSON;
  action: ActionJSON;
  tag?: string;
  omitActions?: boolean;
  toggleFilter?: boolean | (() => void);
  actionPerformed?: (response: ActionResponse) => unknown;
}

/**
 * The header of every action page: breadcrumbs, a real page title (the record's title on a
 * record's page, the resource's name on its list), and the actions as links and buttons that
 * Tab reaches (AdminJS renders the Filter button and component-less actions, such as Delete,
 * as <a> elements without href, which the keyboard skips).
 */
export default function ActionHeader(props: Props) {
  const { resource, record, action, tag, omitActions, toggleFilter: showFilter, actionPerformed } = props;
  const translateFunctions = useTranslation();
  const { translateButton, translateAction, translateLabel, translateComponent } = translateFunctions;
  const navigate = useNavigate();
  const location = useLocation();
  const actionResponseHandler = useActionResponseHandler(actionPerformed);
  const modalFunctions = useModal();
  const { toggleFilter, filtersCount } = useFilterDrawer();

  const resourceId = resource.id;
  const params = { resourceId, recordId: record?.id };
  const onAction = (a: ActionJSON) => (event: React.MouseEvent) =>
    buildActionClickHandler({ action: a, params, actionResponseHandler, navigate, location, translateFunctions, modalFunctions })(
      event,
    );
  const button = (a: ActionJSON, small = false) => {
    const href = actionHref(a, params);
    const className = `bo-action${small ? ' small' : ''}${a.variant === 'danger' ? ' danger' : ''}`;
    const content = (
      <>
        {a.icon ? <Icon icon={a.icon} /> : null}
        <span>{translateAction(a.label, resourceId)}</span>
      </>
    );
    return href ? (
      <Link key={a.name} to={href} className={className} data-testid={`action-${a.name}`} onClick={onAction(a)}>
        {content}
      </Link>
    ) : (
      <button key={a.name} type="button" className={className} data-testid={`action-${a.name}`} onClick={onAction(a)}>
        {content}
      </button>
    );
  };

  const actions = record
    ? record.recordActions.filter((ra) => ra.name !== action.name)
    : resource.resourceActions.filter((ra) => ra.name === 'new' && ra.name !== action.name);
  const resourceActions = action.showResourceActions
    ? resource.resourceActions.filter((ra) => !['list', 'new'].includes(ra.name))
    : [];
  // A record's page is titled by the record; the list by the resource; other pages by the action.
  const resourceName = translateLabel(resource.name, resourceId);
  const title =
    action.name === 'list'
      ? resourceName
      : record && action.name === 'show'
        ? (resource.titleProperty && isAuditActionProperty(resource.titleProperty) && record.title
            ? auditActionLabel(record.title, { translateComponent, translateLabel })
            : record.title) || resourceName
        : translateAction(action.label, resourceId);
  const Heading = action.showInDrawer ? H3 : H2;
  const brand = (window as unknown as { REDUX_STATE?: { branding?: { companyName?: string } } }).REDUX_STATE?.branding
    ?.companyName;
  useEffect(() => {
    // The browser tab and the screen reader's page name say where the staff member is.
    if (!action.showInDrawer) document.title = brand ? `${title} · ${brand}` : title;
  }, [title, action.showInDrawer]);
  if (action.hideActionHeader) return null;

  return (
    <Box className={cssClass('ActionHeader')} data-css={`${resourceId}-${action.name}-action-header`}>
      {!action.showInDrawer && (
        <Box flex flexDirection="row" px={['default', 0]}>
          <Breadcrumbs resource={resource} actionName={action.name} record={record} />
          <Box flexShrink={0} className="bo-actions">
            {resourceActions.map((a) => button(a, true))}
          </Box>
        </Box>
      )}
      <Box display={['block', action.showInDrawer ? 'block' : 'flex']}>
        <Box mt={action.showInDrawer ? '' : 'lg'} flexGrow={1} px={['default', 0]}>
          <Heading mb="lg">
            {action.showInDrawer ? (
              <Link
                to={{ pathname: '..', search: location.search }}
                relative="route"
                className="bo-drawer-close"
                aria-label={translateButton('closeDrawer', resourceId)}
              >
                <Icon icon="ChevronRight" />
              </Link>
            ) : null}
            {title}
            {tag ? (
              <Badge variant="default" outline ml="default">
                {tag}
              </Badge>
            ) : null}
          </Heading>
        </Box>
        {!omitActions && (
          <Box mt="xl" mb={action.showInDrawer ? 'xl' : 'default'} flexShrink={0} className="bo-actions">
            {actions.map((a) => button(a))}
            {showFilter ? (
              <button
                type="button"
                className="bo-action"
                data-css={`${resourceId}-filter-button`}
                aria-expanded={false}
                onClick={toggleFilter}
              >
                <Icon icon="Filter" />
                <span>{translateButton(filtersCount > 0 ? 'filterActive' : 'filter', resourceId, { count: filtersCount })}</span>
              </button>
            ) : null}
          </Box>
        )}
      </Box>
    </Box>
  );
}
