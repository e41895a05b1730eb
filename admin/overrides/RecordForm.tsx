/// <reference lib="dom" />
import React, { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Box, Button, DrawerContent, DrawerFooter, Icon } from '@adminjs/design-system';
import {
  ActionHeader,
  ApiClient,
  BasePropertyComponent,
  paramsToFormData,
  useNotice,
  useRecord,
  useTranslation,
  type ActionProps,
  type RecordJSON,
} from 'adminjs';
import { apiError, raiseNotice } from './notices.js';

const api = new ApiClient();

/**
 * AdminJS's edit and new forms, with the server's answer on screen: a refusal shows the server's
 * message (in the staff member's language) as an error notice and its field details under the
 * fields, instead of "There was an error updating record, Check out console".
 */
export default function RecordForm(props: ActionProps) {
  const { record: initialRecord, resource, action } = props;
  const { record, handleChange, setRecord } = useRecord(initialRecord, resource.id);
  const [loading, setLoading] = useState(false);
  const { translateButton } = useTranslation();
  const addNotice = useNotice();
  const navigate = useNavigate();
  const isNew = action.name === 'new';

  useEffect(() => {
    if (initialRecord) setRecord(initialRecord);
  }, [initialRecord]);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setLoading(true);
    const data = paramsToFormData(record.params);
    try {
      const response = isNew
        ? await api.resourceAction({ resourceId: resource.id, actionName: action.name, data })
        : await api.recordAction({ resourceId: resource.id, recordId: String(record.id), actionName: action.name, data });
      const body = response.data as { record?: RecordJSON; notice?: Parameters<typeof addNotice>[0]; redirectUrl?: string };
      if (body.notice) addNotice(body.notice);
      if (body.record) setRecord({ ...record, ...body.record, params: { ...record.params, ...body.record.params } });
      const invalid = body.record && Object.keys(body.record.errors ?? {}).length > 0;
      if (body.redirectUrl && !invalid) navigate(body.redirectUrl);
    } catch (err) {
      const error = apiError(err);
      const details = error?.details ?? [];
      setRecord({
        ...record,
        errors: Object.fromEntries(details.map((d) => [d.field, { message: d.message, type: 'invalid' }])),
      });
      raiseNotice({
        text: error?.message ?? translateButton('actionFailed', resource.id),
        type: 'error',
        details: details.filter((d) => !resource.editProperties.some((p) => p.propertyPath === d.field)).map((d) => d.message),
      });
    } finally {
      setLoading(false);
    }
  };

  return (
    <Box as="form" onSubmit={submit} flex flexDirection="column" data-css={`${resource.id}-${action.name}-form`} noValidate>
      <DrawerContent>
        {action.showInDrawer ? <ActionHeader {...props} /> : null}
        {resource.editProperties.map((property) => (
          <BasePropertyComponent
            key={property.propertyPath}
            where="edit"
            onChange={handleChange}
            property={property}
            resource={resource}
            record={record}
          />
        ))}
      </DrawerContent>
      <DrawerFooter>
        <Button variant="contained" type="submit" data-testid="button-save" disabled={loading} aria-busy={loading}>
          {loading ? <Icon icon="Loader" spin /> : null}
          {translateButton('save', resource.id)}
        </Button>
      </DrawerFooter>
    </Box>
  );
}
