/** The `call` input (buildx `--call`), read strictly. Pure. */
import { InputError } from '../errors.js';

const CALL_METHODS = ['build', 'check', 'outline', 'targets'];
const CALL_OPTIONS = /^(format=(json|text)|ignorestatus=(true|false))$/;

/**
 * The method of a `call` value, read as buildx reads `--call` (a CSV record whose one
 * field without `=` is the method), from a strict grammar: a value the action and
 * buildx could read differently would let a build run where the action saw a check.
 */
export function parseCall(call: string): string {
  const fields = call.split(',').map((f) => f.trim());
  const methods = fields.filter((f) => !f.includes('='));
  if (methods.length > 1 || !fields.filter((f) => f.includes('=')).every((f) => CALL_OPTIONS.test(f)) || !CALL_METHODS.includes(methods[0] ?? 'build')) {
    throw new InputError('call', `expected one of ${CALL_METHODS.join(', ')}, optionally with format=json|text or ignorestatus=true|false`);
  }
  return methods[0] ?? 'build';
}
