/// <reference lib="dom" />
import React from 'react';
import { Box, Link, Text } from '@adminjs/design-system';
import { useTranslation, type ActionProps } from 'adminjs';

/** A finished export's download link; the server streams the file and audits the download. */
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
      <Link href={`${root}/exports/${encodeURIComponent(String(record.id))}/download`} download>
        {translateAction('download', resource.id)}
      </Link>
    </Box>
  );
};

export default DownloadLink;
