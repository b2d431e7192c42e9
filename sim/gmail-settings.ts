// users.settings.sendAs.list (https://developers.google.com/gmail/api/reference/rest/v1/users.settings.sendAs):
// the primary address and the verified aliases, in Gmail's shape.
import { Router } from 'express';
import { base, type Call, SETTINGS_READ_SCOPES } from './gmail-call.ts';

export function settingsRouter(call: Call): Router {
  const router = Router();
  router.get(
    `${base}/settings/sendAs`,
    call('settings.sendAs.list', SETTINGS_READ_SCOPES, (_req, res) => {
      const mb = res.locals.mailbox;
      const aliasDefault = mb.aliases.some((a) => a.isDefault);
      res.json({
        sendAs: [
          {
            sendAsEmail: mb.email,
            displayName: '',
            replyToAddress: '',
            signature: '',
            isPrimary: true,
            isDefault: !aliasDefault,
          },
          ...mb.aliases.map((a) => ({
            sendAsEmail: a.sendAsEmail,
            displayName: a.displayName,
            replyToAddress: '',
            signature: '',
            isDefault: a.isDefault,
            treatAsAlias: true,
            verificationStatus: 'accepted',
          })),
        ],
      });
    }),
  );
  return router;
}
