/**
 * HttpError (an error with an HTTP status; its message goes to the client as `{ "error": message }`)
 * and the one table from src/data's DataError codes to HTTP statuses.
 */
import { DataError, type DataErrorCode } from '../data/index.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Every DataError code has a status (the Record type makes a new code fail to compile until mapped). */
export const HTTP_STATUS_OF: Readonly<Record<DataErrorCode, number>> = {
  empty: 400,
  'not-image': 415,
  unsupported: 415,
  corrupt: 400,
  'too-large': 413,
  invalid: 400,
  unreadable: 400,
  changed: 409,
  dataset: 400,
};

/** A DataError as an HttpError (status from its code, message naming the file); others pass through. */
export function httpErrorOf(err: unknown): unknown {
  return err instanceof DataError ? new HttpError(HTTP_STATUS_OF[err.code], err.message) : err;
}
