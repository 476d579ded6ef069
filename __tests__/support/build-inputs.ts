/** Build inputs as the reader returns them when the workflow sets none: derived from the inputs table, so a new input is covered. */
import { BUILD_INPUT_NAMES, INPUTS, type BuildInputs } from '../../src/inputs/table.js';

export function emptyBuildInputs(over: Partial<BuildInputs> = {}): BuildInputs {
  const value = (name: (typeof BUILD_INPUT_NAMES)[number]) => {
    const def: { kind: { type: string }; default?: string } = INPUTS[name];
    if (def.kind.type === 'bool') return def.default === 'true';
    if (def.kind.type === 'list' || def.kind.type === 'lines') return [];
    return def.default ?? '';
  };
  // context: a path, as after a checkout (an empty one stands for the Git context, resolved by the reader).
  return { ...(Object.fromEntries(BUILD_INPUT_NAMES.map((n) => [n, value(n)])) as unknown as BuildInputs), context: '.', ...over };
}
