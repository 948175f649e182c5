import { STATUS_CODES } from 'node:http';

/** The one error shape of the API: `{statusCode, message, error}`. */
export interface ErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
}

export function errorBody(statusCode: number, message?: string | string[]): ErrorBody {
  const error = STATUS_CODES[statusCode] ?? 'Error';
  return { statusCode, message: message ?? error, error };
}
