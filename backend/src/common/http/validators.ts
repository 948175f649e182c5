import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';

/** Strips surrounding white space from a string input (other types pass through to fail validation). */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Rejects control characters (NUL included), which have no place in names. */
export const NoControlCharacters = () =>
  // eslint-disable-next-line no-control-regex
  Matches(/^[^\u0000-\u001f\u007f]*$/, { message: ({ property }) => `${property} must not contain control characters` });
