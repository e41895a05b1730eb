/// <reference lib="dom" />
import React from 'react';
import { Box, CurrentUserNav, type CurrentUserNavProps } from '@adminjs/design-system';
import { useTranslation, type CurrentAdmin } from 'adminjs';

/**
 * AdminJS's signed-in menu, whose "Log out" navigated to the logout path (a GET). Logging out is
 * a POST here (a link or an image on another page must not end a staff member's session), so
 * the menu submits a form to it; the same-origin check lets it through.
 */
const LoggedIn: React.FC<{ session: CurrentAdmin; paths: { logoutPath: string } }> = ({ session, paths }) => {
  const { translateButton } = useTranslation();
  const dropActions: CurrentUserNavProps['dropActions'] = [
    {
      label: translateButton('logout'),
      icon: 'LogOut',
      onClick: (event: Event): void => {
        event.preventDefault();
        const form = document.createElement('form');
        form.method = 'post';
        form.action = paths.logoutPath;
        document.body.appendChild(form);
        form.submit();
      },
    },
  ];
  return (
    <Box flexShrink={0} data-css="logged-in">
      <CurrentUserNav name={session.email} title={session.title} avatarUrl={session.avatarUrl} dropActions={dropActions} />
    </Box>
  );
};

export default LoggedIn;
