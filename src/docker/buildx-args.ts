/**
 * The `docker buildx build` command line, from the build inputs through the flag
 * styles of the inputs table. Pure. Secrets appear only as `id=<id>,src=<vault file>`:
 * never a value, never `env=`.
 */
import { InputError } from '../errors.js';
import type { Redactor } from '../detection/redactor.js';
import { parseOutput } from './output-spec.js';
import { BUILD_INPUT_NAMES, INPUTS, type BuildInputs, type FlagStyle } from '../inputs/table.js';

export interface SecretMount {
  id: string;
  file: string;
}

/** Files buildx writes for the action: outside the vault, they hold no secret. */
export interface BuildFiles {
  iidFile: string;
  metadataFile: string;
}

/**
 * The short flag an argument gives buildx build a value for, as its flag parser (pflag) reads
 * a group of short flags: `-q` takes no value, the first other letter takes the rest of the
 * word or the next one (`-fX`, `-qf X`, `-qtX`). undefined for anything else.
 */
export function shortFlag(arg: string): string | undefined {
  if (!/^-[^-]/.test(arg)) return undefined;
  return [...arg.slice(1)].find((c) => c !== 'q');
}

function flagArgs(style: FlagStyle, value: string | string[] | boolean): string[] {
  if ('positional' in style) return [];
  if ('verbatim' in style) return value as string[];
  if ('when' in style) return value ? [style.flag] : [];
  if ('each' in style) return (value as string[]).flatMap((v) => [style.flag, v]);
  const text = 'joined' in style ? (value as string[]).join(',') : (value as string);
  if (text === '') return [];
  return 'equals' in style ? [`${style.flag}=${text}`] : [style.flag, text];
}

/** `ssh`: vault files forwarded as SSH keys (`--ssh <id>=<file>`), by ssh id. */
export function buildxArgs(b: BuildInputs, mounts: SecretMount[], files: BuildFiles, ssh: SecretMount[] = []): string[] {
  // The action owns the progress format: other modes re-encode output past the scrubber.
  const args = ['buildx', 'build', '--progress=plain'];
  // Verbatim extra-args go last before the context, so the table's flags come first.
  for (const name of BUILD_INPUT_NAMES.filter((n) => n !== 'extra-args')) args.push(...flagArgs(INPUTS[name].buildx, b[name]));
  for (const m of mounts) args.push('--secret', `id=${m.id},src=${m.file}`);
  for (const k of ssh) args.push('--ssh', `${k.id}=${k.file}`);
  // buildx refuses an image id file with the local and tar exporters (no image is made).
  if (!b.outputs.some((o, k) => ['local', 'tar'].includes(parseOutput(o, k + 1).type))) args.push('--iidfile', files.iidFile);
  args.push('--metadata-file', files.metadataFile);
  args.push(...b['extra-args'], b.context);
  return args;
}

/** Build inputs reach argv and image history, so none may carry a secret: checked for every input of the table. */
export function assertNoSecretsInBuildInputs(b: BuildInputs, redactor: Redactor): void {
  for (const name of BUILD_INPUT_NAMES) {
    const value = b[name];
    if (typeof value === 'boolean') continue;
    (Array.isArray(value) ? value : [value]).forEach((v, k) => {
      const ids = redactor.secretsIn(v);
      if (ids.length)
        throw new InputError(
          name,
          `contains the value of secret "${ids[0]}": pass it as a secret, not on the command line`,
          Array.isArray(value) ? k + 1 : undefined
        );
    });
  }
}
