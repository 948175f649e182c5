import { dictionary } from '@zxcvbn-ts/language-common';
import { ValidateBy } from 'class-validator';

/**
 * The most common passwords (zxcvbn-ts's list, about 49,000 from breaches, by frequency),
 * those long enough to pass the length rule. Loaded on first use.
 */
let common: Set<string> | undefined;

export function isCommonPassword(password: string): boolean {
  common ??= new Set(dictionary['passwords-common'].filter((p) => p.length >= 8).map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

/** Refuses a password found in the list of common passwords (any case). */
export const NotCommonPassword = () =>
  ValidateBy({
    name: 'notCommonPassword',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !isCommonPassword(value),
      defaultMessage: (args) => `${args?.property} is one of the most common passwords, which are guessed first: choose another`,
    },
  });
