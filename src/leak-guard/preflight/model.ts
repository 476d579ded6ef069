/**
 * The Dockerfile as BuildKit builds it: stages, the ARG/ENV values known at each
 * instruction, the working directory and home, and which files of a stage end up in
 * the final image (the stage itself, a stage derived from it, or COPY --from chains).
 */
import * as path from 'node:path';
import { Add, Copy, DockerfileParser, Env, From, Onbuild, User, Workdir, type Instruction } from 'dockerfile-ast';

/** A variable's value; undefined: declared but not known before the build (a build-arg not given to the preflight). */
export type Vars = Map<string, string | undefined>;

export interface Stage {
  index: number;
  /** Lower-cased, as BuildKit compares stage names. */
  name?: string;
  base?: Stage;
  steps: Step[];
}

export interface Step {
  ins: Instruction;
  /** 1-based. */
  line: number;
  stage: Stage;
  /** An ONBUILD trigger: it runs in the builds that use this image, not in this one. */
  onbuild: boolean;
  vars: Vars;
  /** Undefined when a WORKDIR could not be expanded. */
  workdir?: string;
  home?: string;
}

export interface Model {
  /** Every instruction, the ARGs before the first FROM included. */
  instructions: Instruction[];
  /** The escape character the parser read (`# escape=`, else a backslash). */
  escape: string;
  /** The ARGs before the first FROM. */
  meta: Instruction[];
  stages: Stage[];
  steps: Step[];
  final?: Stage;
}

/** BuildKit's automatic platform args: set by the builder, unknown here. */
const AUTOMATIC_ARGS = /^(TARGET|BUILD)(PLATFORM|OS|ARCH|VARIANT)$/;

export const lineOf = (ins: Instruction) => ins.getRange().start.line + 1;

export function buildModel(dockerfile: string, buildArgs: Record<string, string> | undefined, target?: string): Model {
  const parsed = DockerfileParser.parse(dockerfile);
  const instructions = parsed.getInstructions();
  const meta: Vars = new Map();
  const stages: Stage[] = [];
  const steps: Step[] = [];
  const metaArgs: Instruction[] = [];
  // Per stage, its state so far (at its end, for the stages derived from it).
  const states = new Map<Stage, StageState>();
  let cur: StageState | undefined;
  for (const ins of instructions) {
    if (ins instanceof From) {
      const baseName = expand(ins.getImageName() ?? '', meta)?.toLowerCase();
      const base = stages.find((s) => s.name !== undefined && s.name === baseName);
      const stage: Stage = { index: stages.length, name: ins.getBuildStage()?.toLowerCase() ?? undefined, base, steps: [] };
      stages.push(stage);
      const baseState = base && states.get(base);
      // A stage inherits its base stage's ENV, working directory and user; ARGs are per stage.
      const env: Vars = new Map(baseState?.env ?? []);
      cur = { stage, vars: new Map(env), env, workdir: baseState ? baseState.workdir : '/', user: baseState?.user };
      states.set(stage, cur);
      continue;
    }
    if (!cur) {
      if (ins.getKeyword() !== 'ARG') continue;
      metaArgs.push(ins);
      for (const a of argDecls(ins)) meta.set(a.name, argValue(a, meta, meta, buildArgs));
      continue;
    }
    const at = cur;
    if (ins.getKeyword() === 'ARG') for (const a of argDecls(ins)) at.vars.set(a.name, argValue(a, at.vars, meta, buildArgs));
    if (ins instanceof Env) {
      for (const p of ins.getProperties()) {
        const v = expand(unquote(p.getValue() ?? ''), at.vars);
        at.vars.set(p.getName(), v);
        at.env.set(p.getName(), v);
      }
    }
    if (ins instanceof Workdir) {
      // BuildKit's lexer takes the quotes off (`WORKDIR "/app"` is /app), as for ENV.
      const w = expand(unquote(ins.getArgumentsContent() ?? ''), at.vars);
      at.workdir = w === undefined || at.workdir === undefined ? undefined : path.posix.resolve(at.workdir, w);
    }
    if (ins instanceof User) at.user = expand(unquote(ins.getArgumentsContent() ?? '').split(':')[0], at.vars);
    const home = at.vars.get('HOME') ?? (at.user === undefined || at.user === 'root' || at.user === '0' ? '/root' : `/home/${at.user}`);
    const step: Step = { ins, line: lineOf(ins), stage: at.stage, onbuild: false, vars: new Map(at.vars), workdir: at.workdir, home };
    steps.push(step);
    at.stage.steps.push(step);
    if (ins instanceof Onbuild) {
      const trigger = ins.getTriggerInstruction();
      if (trigger) {
        const t: Step = { ...step, ins: trigger, onbuild: true };
        steps.push(t);
        at.stage.steps.push(t);
      }
    }
  }
  const wanted = target?.toLowerCase();
  const final = wanted ? (stages.find((s) => s.name === wanted) ?? stages.at(-1)) : stages.at(-1);
  return { instructions, escape: parsed.getEscapeCharacter(), meta: metaArgs, stages, steps, final };
}

interface StageState {
  stage: Stage;
  vars: Vars;
  env: Vars;
  workdir?: string;
  user?: string;
}

export interface ArgDecl {
  name: string;
  /** The default, quotes removed; undefined: none. */
  value?: string;
}

/** `ARG a b=2 c`: every name (dockerfile-ast 0.7 reads only the first of several). */
export function argDecls(ins: Instruction): ArgDecl[] {
  return shellWords(ins.getArgumentsContent() ?? '').map((w) => {
    const eq = w.indexOf('=');
    return eq === -1 ? { name: w } : { name: w.slice(0, eq), value: unquote(w.slice(eq + 1)) };
  });
}

/**
 * BuildKit: a build-arg wins over the default; a stage ARG without default takes the global
 * one; no value at all is empty, but only when the build-args are known (else unknown).
 */
function argValue(a: ArgDecl, vars: Vars, meta: Vars, buildArgs?: Record<string, string>): string | undefined {
  if (AUTOMATIC_ARGS.test(a.name)) return undefined;
  if (buildArgs && Object.hasOwn(buildArgs, a.name)) return buildArgs[a.name];
  if (a.value !== undefined) return expand(a.value, vars);
  if (meta !== vars && meta.has(a.name)) return meta.get(a.name);
  return buildArgs ? '' : undefined;
}

/** Words of an ARG line, split on blanks outside quotes. */
function shellWords(text: string): string[] {
  return text.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? [];
}

export function unquote(s: string): string {
  return s.replace(/"((?:\\.|[^"\\])*)"|'([^']*)'/g, (_m, dq: string | undefined, sq: string | undefined) => sq ?? dq!.replace(/\\(.)/g, '$1'));
}

/**
 * Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}` and `${X+a}` as BuildKit's shell
 * lexer does. Undefined when a variable's value is not known here.
 */
export function expand(text: string, vars: Vars): string | undefined {
  let unknown = false;
  const out = text.replace(
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, n1?: string, op?: string, word?: string, n2?: string) => {
      if (m === '\\$') return '$';
      const name = (n1 ?? n2)!;
      const set = vars.has(name);
      const v = vars.get(name);
      if (set && v === undefined) {
        unknown = true;
        return '';
      }
      if (!set && !op) {
        // Not declared: it may come from the base image's ENV.
        unknown = true;
        return '';
      }
      const empty = v === undefined || (op?.startsWith(':') && v === '');
      if (op?.endsWith('-')) return empty ? (word ?? '') : v;
      if (op?.endsWith('+')) return empty ? '' : (word ?? '');
      return v ?? '';
    }
  );
  return unknown ? undefined : out;
}

/** The value of a COPY's (or ADD's) `--from` flag as written, '' when it has none; undefined without the flag. */
export function copyFrom(ins: Instruction): string | undefined {
  if (!(ins instanceof Copy || ins instanceof Add)) return undefined;
  const flag = ins.getFlags().find((f) => f.getName().toLowerCase() === 'from');
  return flag ? (flag.getValue() ?? '') : undefined;
}

/** `COPY --from=<stage>`: the stage it copies from, by name or index; undefined for an image or a build context. */
export function copyFromStage(model: Model, step: Step): Stage | undefined {
  if (!(step.ins instanceof Copy)) return undefined;
  const raw = copyFrom(step.ins);
  if (!raw) return undefined;
  const from = expand(unquote(raw), step.vars)?.toLowerCase();
  if (from === undefined) return undefined;
  const earlier = model.stages.filter((s) => s.index < step.stage.index);
  return earlier.find((s) => s.name === from) ?? (/^\d+$/.test(from) ? earlier[Number(from)] : undefined);
}

/** COPY/ADD sources and destination, in shell or JSON form, without flags. */
export function copyArgs(ins: Instruction): { sources: string[]; dest: string } | undefined {
  // dockerfile-ast leaves the flags out of getArguments; the JSON form has its own strings.
  const json = (ins as Copy).getJSONStrings?.() ?? [];
  const words = json.length ? json.map((s) => s.getJSONValue()) : ins.getArguments().map((a) => unquote(a.getValue()));
  if (words.length < 2) return undefined;
  return { sources: words.slice(0, -1), dest: words.at(-1)! };
}

const ancestors = (s: Stage | undefined): Stage[] => (s ? [s, ...ancestors(s.base)] : []);

/** The final stage is this stage or derives from it (FROM <stage>). */
export const inFinalChain = (model: Model, stage: Stage) => ancestors(model.final).includes(stage);

/**
 * Whether a file at `file` (absolute; undefined: not known) in `stage` ends up in the final
 * image: the final stage is the stage or derives from it, or a COPY --from of the stage
 * (in any stage that reaches the final image) copies a path that covers it. Conservative:
 * an unknown path, source or destination counts as covered.
 */
export function reachesFinal(model: Model, stage: Stage, file: string | undefined, depth = 0): boolean {
  if (inFinalChain(model, stage)) return true;
  if (depth > model.stages.length) return false;
  for (const step of model.steps) {
    if (step.onbuild || copyFromStage(model, step) !== stage) continue;
    const args = copyArgs(step.ins);
    if (!args) continue;
    for (const src of args.sources) {
      const s = expand(src, step.vars);
      if (s !== undefined && file !== undefined && !covers(path.posix.resolve('/', s), file)) continue;
      const dest = mapDest(s === undefined ? undefined : path.posix.resolve('/', s), file, expand(args.dest, step.vars), step.workdir, args.sources.length > 1);
      if (reachesFinal(model, step.stage, dest, depth + 1)) return true;
    }
  }
  return false;
}

const GLOB = /[*?[]/;

/** Whether the source path (a file, a directory or a glob) takes in `file`. */
export function covers(src: string, file: string): boolean {
  if (src === '/') return true;
  if (!GLOB.test(src)) return file === src || file.startsWith(`${src}/`);
  const re = globRegex(src);
  const parts = file.split('/');
  return parts.some((_p, k) => re.test(parts.slice(0, k + 1).join('/')));
}

function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

function mapDest(src: string | undefined, file: string | undefined, dest: string | undefined, workdir: string | undefined, many: boolean): string | undefined {
  if (src === undefined || file === undefined || dest === undefined || GLOB.test(src)) return undefined;
  const to = dest.startsWith('/') ? dest : workdir === undefined ? undefined : path.posix.resolve(workdir, dest);
  if (to === undefined) return undefined;
  if (file === src) return dest.endsWith('/') || many ? path.posix.join(to, path.posix.basename(file)) : to;
  return path.posix.join(to, file.slice(src === '/' ? 0 : src.length));
}
