/// <reference lib="dom" />
import React from 'react';
import { Box } from '@adminjs/design-system';
import { useTranslation, type CurrentAdmin } from 'adminjs';
import MenuButton from './MenuButton.js';

/**
 * The signed-in staff member's menu as a keyboard menu button (AdminJS's opens on hover only).
 * "Log out" submits a POST to the logout path, so no link or image elsewhere can end a session.
 */
export default function LoggedIn({ session, paths }: { session: CurrentAdmin; paths: { logoutPath: string } }) {
  const { translateButton, translateLabel } = useTranslation();
  const name = (session as { name?: string }).name || session.title || session.email;
  return (
    <Box flexShrink={0} data-css="logged-in" className="bo-user-menu">
      <MenuButton
        icon="User"
        text={name}
        label={translateLabel('userMenu', undefined, { user: name, defaultValue: `Account menu of ${name}` })}
        items={[
          {
            key: 'logout',
            label: translateButton('logout'),
            icon: 'LogOut',
            onSelect: (event) => {
              event.preventDefault();
              const form = document.createElement('form');
              form.method = 'post';
              form.action = paths.logoutPath;
              document.body.appendChild(form);
              form.submit();
            },
          },
        ]}
      />
    </Box>
  );
}
