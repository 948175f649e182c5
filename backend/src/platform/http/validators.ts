import { Transform } from 'class-transformer';
import { isEmail, ValidateBy } from 'class-validator';

/** Strips surrounding white space from a string input (other types pass through to fail validation). */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Text that can be stored and read back exactly: no unpaired UTF-16 surrogates. */
export const WellFormedText = () =>
  ValidateBy({
    name: 'wellFormedText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || value.isWellFormed(),
      defaultMessage: (args) => `${args?.property} must be well-formed Unicode text`,
    },
  });

/** A C0 control character (U+0000–U+001F, NUL included) or DEL (U+007F). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Single-line text (names, keys, search terms): well-formed, and no control characters —
 * NUL included, which PostgreSQL text cannot hold.
 */
export const PlainText = () =>
  ValidateBy({
    name: 'plainText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || (value.isWellFormed() && !hasControlCharacter(value)),
      defaultMessage: (args) => `${args?.property} must not contain control characters or malformed Unicode`,
    },
  });

/** A query-string integer written as plain digits ("0x10", "1e2" and " 5" are not). */
export const QueryInt = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value));

/**
 * An email address (validator's isEmail), refused rather than thrown on: isEmail throws a
 * URIError on text with unpaired surrogates, which would be a 500.
 */
export const EmailAddress = () =>
  ValidateBy({
    name: 'emailAddress',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.isWellFormed() && isEmail(value),
      defaultMessage: (args) => `${args?.property} must be a valid email address`,
    },
  });
