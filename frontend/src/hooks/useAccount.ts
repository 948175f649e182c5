import { useActionState } from 'react';
import { ApiError } from '../api/client';
import { waitText } from '../lib/dates';
import { PASSWORD_LENGTH_RULE, passwordLengthOk } from '../lib/passwords';
import { api, deleteAccount } from '../store/api';

/** What the last attempt came to: nothing yet, done (what to tell), or refused (why). */
export type Outcome = { done: string; problems?: undefined } | { done?: undefined; problems: string[] } | null;

const done = (message: string): Outcome => ({ done: message });
const refused = (...problems: string[]): Outcome => ({ problems });

/** A failed request, said for the user: the server's message, but for what `says` words for the request at hand. */
function refusal(error: unknown, says: { forbidden?: string; tooMany: string }): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Try again.';
  if (error.status === 403 && says.forbidden) return says.forbidden;
  if (error.status !== 429) return error.message;
  const when = error.retryAfterSeconds === undefined ? 'later' : `in ${waitText(error.retryAfterSeconds)}`;
  return `${says.tooMany} Try again ${when}.`;
}

function textOf(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * Changing the password, as a form action (`<form action>`; React clears the form after
 * each attempt, so no password stays on screen). The fields are `current`, `next` and
 * `confirm`. Success logs out every other session of the user, which it says.
 */
export function useChangePassword() {
  const [outcome, action, pending] = useActionState(async (_previous: Outcome, form: FormData): Promise<Outcome> => {
    const current = textOf(form, 'current');
    const next = textOf(form, 'next');
    const problems: string[] = [];
    if (!current) problems.push('Enter your current password.');
    if (!passwordLengthOk(next)) problems.push(`Your new password needs ${PASSWORD_LENGTH_RULE}.`);
    else if (next !== textOf(form, 'confirm')) problems.push('The new passwords do not match.');
    if (problems.length) return refused(...problems);
    try {
      await api.changePassword({ current_password: current, new_password: next });
      return done('Your password was changed. Your other devices were logged out.');
    } catch (error) {
      // A 400 names the field ("new_password is one of the most common passwords…").
      const message = refusal(error, { forbidden: 'Current password is incorrect.', tooMany: 'Too many wrong passwords.' });
      return refused(message.replace(/^new_password\b/u, 'The new password'));
    }
  }, null);
  return { outcome, action, pending };
}

/**
 * Downloading everything of the account (GET /users/me/export), saved as the file the
 * server names, as a form action (one button).
 */
export function useDataExport() {
  const [outcome, action, pending] = useActionState(async (): Promise<Outcome> => {
    try {
      const { blob, filename } = await api.exportData();
      saveFile(blob, filename);
      return done(`Downloaded ${filename}.`);
    } catch (error) {
      return refused(refusal(error, { tooMany: 'You downloaded your data too often.' }));
    }
  }, null);
  return { outcome, action, pending };
}

/**
 * Deleting the account with its password. Once the server has deleted it, the session ends
 * and the login page says so; a refusal stays here to be shown.
 */
export function useDeleteAccount() {
  const [outcome, action, pending] = useActionState(async (_previous: Outcome, password: string): Promise<Outcome> => {
    if (!password) return refused('Enter your password.');
    try {
      await deleteAccount(password);
      return done('Your account was deleted.');
    } catch (error) {
      return refused(refusal(error, { forbidden: 'Password is incorrect.', tooMany: 'Too many wrong passwords.' }));
    }
  }, null);
  return { outcome, action, pending };
}

/**
 * Hands a file to the browser's downloads, named `filename`. The object URL is released a
 * little later: revoked at once, some browsers cancel the download it just started.
 */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
