import { Transform } from 'class-transformer';
import { Matches } from 'class-validator';

/** Strips surrounding white space from a string input (other types pass through to fail validation). */
export const Trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** Rejects control characters (NUL included), which have no place in names. */
export const NoControlCharacters = () =>
  // eslint-disable-next-line no-control-regex
  Matches(/^[^\u0000-\u001f\u007f]*$/, { message: ({ property }) => `${property} must not contain control characters` });

/** A query-string integer written as plain digits ("0x10", "1e2" and " 5" are not). */
export const QueryInt = () =>
  Transform(({ value }) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value));
