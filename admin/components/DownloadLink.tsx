/// <reference lib="dom" />
import React from 'react';
import { Box, Button, Text } from '@adminjs/design-system';
import { useTranslation, type ActionProps } from 'adminjs';

/**
 * A finished export's download: a form that POSTs to the download route, which streams the file
 * and audits the download. A POST (refused from other origins) rather than a link, so that no
 * page elsewhere can make a staff member's browser download an export in their name.
 */
const DownloadLink: React.FC<ActionProps> = ({ record, resource }) => {
  const { translateAction, translateMessage } = useTranslation();
  const root =
    (window as unknown as { REDUX_STATE?: { paths?: { rootPath?: string } } }).REDUX_STATE?.paths?.rootPath ?? '/admin';
  if (!record) return null;
  return (
    <Box variant="container">
      <Text mb="lg">
        {translateMessage('downloadAudited', resource.id, { defaultValue: 'Downloads are recorded in the audit trail.' })}
      </Text>
      <form method="post" action={`${root}/exports/${encodeURIComponent(String(record.id))}/download`}>
        <Button type="submit" variant="contained" data-testid="export-download">
          {translateAction('download', resource.id)}
        </Button>
      </form>
    </Box>
  );
};

export default DownloadLink;
