import { countCharacters } from '@chatflow/protocol';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/** The rule as the forms say it. */
export const PASSWORD_LENGTH_RULE = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;

/**
 * Whether a password the user chooses has a length the server takes, counted in characters
 * (code points) as its validator counts them. The server also refuses the most common
 * passwords, which only it knows.
 */
export function passwordLengthOk(password: string): boolean {
  const length = countCharacters(password);
  return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH;
}
