/** The InputError a call throws; fails the test when it throws nothing or something else. */
import { expect } from '@jest/globals';
import { InputError } from '../../src/errors.js';

export function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}
