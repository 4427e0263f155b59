// Sign-in: an access key pair (and session token), or one of the state directory's profiles
// when the console was opened with the sign-in token `latchkey serve` printed. The keys are checked with STS GetCallerIdentity and kept for the tab.

import { localProfiles, saveSession, sts } from '../api.js';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { errorBox, field, h, render, select } from '../dom.js';
import { go } from '../router.js';

export async function signInPage(main: HTMLElement): Promise<void> {
  const profiles = await localProfiles();
  const status = h('div', { 'aria-live': 'polite' });
  const region = h('input', { name: 'region', value: 'us-east-1', autocomplete: 'off' });
  const signIn = async (keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    render(status, 'Checking…');
    try {
      const me = await sts(keys, region.value).send(new GetCallerIdentityCommand({}));
      saveSession({ ...keys, region: region.value, arn: me.Arn!, account: me.Account! });
      go('#/functions');
    } catch (e) {
      render(status, errorBox(e));
    }
  };

  const keyId = h('input', { name: 'accessKeyId', autocomplete: 'username', required: true });
  const secret = h('input', { name: 'secretAccessKey', type: 'password', autocomplete: 'current-password', required: true });
  const token = h('input', { name: 'sessionToken', autocomplete: 'off' });
  const keysForm = h(
    'form',
    { 'aria-labelledby': 'keys-title', onsubmit: (e: Event) => { e.preventDefault(); void signIn({ accessKeyId: keyId.value.trim(), secretAccessKey: secret.value.trim(), ...(token.value.trim() ? { sessionToken: token.value.trim() } : {}) }); } },
    h('h2', { id: 'keys-title' }, 'With an access key'),
    field('Access key ID', keyId),
    field('Secret access key', secret),
    field('Session token (temporary credentials only)', token),
    h('button', { type: 'submit' }, 'Sign in'),
  );

  const names = Object.keys(profiles);
  const profile = select('profile', names.map((n) => [n, n]));
  const profileForm = names.length
    ? h(
        'form',
        { 'aria-labelledby': 'profile-title', onsubmit: (e: Event) => { e.preventDefault(); void signIn(profiles[profile.value]!); } },
        h('h2', { id: 'profile-title' }, 'With a profile of this Latchkey'),
        field('Profile', profile, 'Offered to the browser that opened the address latchkey serve printed.'),
        h('button', { type: 'submit' }, 'Sign in with profile'),
      )
    : null;

  render(main, h('h1', { tabindex: -1 }, 'Sign in'), field('Region', region), profileForm, keysForm, status);
}
