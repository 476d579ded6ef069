/**
 * Follows credentials through one RUN script: from a secret mount (its file, or its
 * variable with env=), a credential-named ARG/ENV, or a shell variable set from one of
 * these, to a file (a redirect of a command that prints it, tee, cp/mv, sed -i, or a tool
 * that stores it), and from such a file to the next within the RUN (`cat s > /tmp/t && cp
 * /tmp/t /out/`, `cp -r` of a directory holding one). Records whether the same RUN
 * removes the file again.
 */
import * as path from 'node:path';
import { Run } from 'dockerfile-ast';
import type { MountUse } from './mounts.js';
import type { Step } from './model.js';
import { parseScript, refsIn, type Command, type Word } from './shell.js';
import { base, toolStore, toolWords, undoes, type ToolStore } from './tools.js';

/**
 * A secret mount, a credential-named variable, or a credential file copied in or written by
 * an earlier step. `probe`: a file copied in whose name says nothing; it counts only where a
 * tool reads it as its credential (standard input, `xargs`, a key file, `--token`/`-p`).
 */
export type Source = { kind: 'secret'; id: string } | { kind: 'var'; name: string; declared: boolean } | { kind: 'file'; name: string; probe?: boolean };

/** How the credential-named variables a RUN reads are told apart: `declared` by an ARG or ENV of the Dockerfile, or set by the script. */
export interface Names {
  isCredential: (name: string) => boolean;
  declared: (name: string) => boolean;
}

const isProbe = (s: Source) => s.kind === 'file' && s.probe === true;
/** Options whose value is the credential itself. */
const CREDENTIAL_OPTION = /^(-p|--(token|password|pass|secret|api-?key))$/;
/** xargs options that take a value as the next word. */
const XARGS_VALUED = ['-n', '-I', '-L', '-d', '-P', '-s', '-E', '-a'];

/** Files of a stage that hold a credential (written by an earlier RUN and not removed, or copied in), by absolute path. */
export type Tainted = Map<string, Source[]>;

export interface Write {
  step: Step;
  /** Absolute; undefined when the script does not say (a variable, an unknown WORKDIR). */
  file?: string;
  /** The destination as written in the script. */
  written: string;
  sources: Source[];
  /** "a redirect", "cp", "git clone" … */
  how: string;
  /** A later command of the same RUN removes it. */
  removed: boolean;
  /** It lies under a tmpfs, cache or bind mount of the RUN, so the layer does not keep it. */
  unlayered: boolean;
  /** It lies under a cache mount: the builder keeps it for the later builds that mount the same cache. */
  cached: boolean;
  /** A tool stored it (git clone, npm config set …), not a redirect or a copy. */
  byTool?: boolean;
}

/** Commands whose output holds what they read (their arguments, files or input). */
const PRINTERS = new Set([
  'echo',
  'printf',
  'cat',
  'base64',
  'base32',
  'basenc',
  'sed',
  'awk',
  'gawk',
  'mawk',
  'tr',
  'head',
  'tail',
  'jq',
  'yq',
  'xxd',
  'od',
  'rev',
  'cut',
  'tac',
  'grep',
  'envsubst',
  'tee'
]);
/** Commands that read the files named in their arguments, so a secret file's path there means its content. */
const READERS = new Set([
  'cat',
  'base64',
  'base32',
  'basenc',
  'head',
  'tail',
  'xxd',
  'od',
  'rev',
  'cut',
  'tac',
  'grep',
  'jq',
  'yq',
  'sed',
  'awk',
  'gawk',
  'tr',
  'cp',
  'install',
  'rsync',
  'scp',
  'dd'
]);
const COPIERS = new Set(['cp', 'mv', 'install', 'rsync', 'scp']);
const NOT_FILES = /^\/(dev|proc)\//;

/** The script BuildKit gives the shell: exec form `["sh","-c","…"]`, a here-doc RUN, or the shell form. */
export function runScript(ins: Run): string {
  const text = ins.getArgumentsContent() ?? '';
  if (text.trimStart().startsWith('[')) {
    try {
      const argv = JSON.parse(text) as string[];
      const c = argv.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
      return c > 0 && /sh$/.test(argv[0]) ? (argv[c + 1] ?? '') : argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    } catch {
      return text;
    }
  }
  // `RUN <<EOF` alone on its line: the here-doc is the script.
  const doc = /^<<-?\s*(["']?)([A-Za-z0-9_]+)\1\s*\n/.exec(text);
  if (doc) {
    const body = text.slice(doc[0].length).split('\n');
    const end = body.findIndex((l) => l.trim() === doc[2]);
    return body.slice(0, end === -1 ? undefined : end).join('\n');
  }
  return text;
}

/**
 * The writes of one RUN step. `isCredential`: whether a variable not set by the step
 * itself holds a credential (a credential-named ARG/ENV, or one from the base image).
 * `tainted`: the stage's files that already hold one.
 */
export function flowOf(step: Step, mounts: MountUse[], names: Names, tainted: Tainted): { writes: Write[]; printed: Source[] } {
  if (!(step.ins instanceof Run)) return { writes: [], printed: [] };
  const files: Tainted = new Map();
  const vars = new Map<string, Source[]>();
  for (const m of mounts.filter((x) => x.type === 'secret' && x.id !== undefined)) {
    if (m.target) files.set(m.target, [{ kind: 'secret', id: m.id! }]);
    if (m.env) vars.set(m.env, [{ kind: 'secret', id: m.id! }]);
  }
  const under = (types: string[], file?: string) =>
    file !== undefined && mounts.some((m) => types.includes(m.type) && m.target && (file === m.target || file.startsWith(`${m.target}/`)));
  const flow = new Flow(step, files, tainted, vars, names);
  flow.run(parseScript(runScript(step.ins)));
  return {
    writes: flow.writes.map((w) => ({ ...w, unlayered: under(['tmpfs', 'cache', 'bind'], w.file), cached: under(['cache'], w.file) })),
    printed: dedupe(flow.printed)
  };
}

class Flow {
  readonly writes: Omit<Write, 'unlayered' | 'cached'>[] = [];
  private readonly stores: { write: Omit<Write, 'unlayered' | 'cached'>; store: ToolStore }[] = [];
  /** Mounted secrets a command prints to the build output (its standard output not redirected or piped on). */
  readonly printed: Source[] = [];
  /** Files this RUN has written a credential into so far (and not removed). */
  private readonly own: Tainted = new Map();
  private cwd: string | undefined;

  constructor(
    private readonly step: Step,
    /** Secret mounts: named anywhere in a word (`$(cat /run/secrets/x)`). */
    private readonly files: Tainted,
    /** Files holding a credential already: by their resolved path. */
    private readonly tainted: Tainted,
    private readonly vars: Map<string, Source[]>,
    private readonly names: Names
  ) {
    this.cwd = step.workdir;
  }

  run(commands: Command[]): void {
    let piped: Source[] = [];
    commands.forEach((c, k) => {
      piped = this.command(c, c.piped ? piped : []);
      if (!commands[k + 1]?.piped && printsToLog(c)) this.printed.push(...piped.filter((x) => x.kind === 'secret'));
    });
  }

  /** What the command prints of a credential; records the writes it makes. */
  private command(c: Command, stdinPiped: Source[]): Source[] {
    const ws = toolWords(c.words);
    const name = ws[0] ? base(ws[0]) : '';
    const args = ws.slice(1);
    const reads = READERS.has(name);
    const stdin = [...stdinPiped, ...this.stdinOf(c, name)];
    for (const a of c.assigns.filter(() => ws.length === 0)) this.vars.set(a.name, this.assigned(a.name, a.word));
    if (name === 'read') for (const v of args.filter((w) => /^[A-Za-z_]\w*$/.test(w.value))) this.vars.set(v.value, stdin);
    if (name === 'cd') this.cwd = this.resolve(args[0]?.value ?? '~');
    if (['rm', 'shred', 'unlink'].includes(name)) this.removed(args.filter((w) => !w.value.startsWith('-')));
    for (const s of this.stores) if (undoes(s.store, c.words)) s.write.removed = true;
    const argSources = args.flatMap((w) => this.of(w, reads));
    const out = name === 'tee' ? stdin : PRINTERS.has(name) ? [...argSources, ...stdin] : [];
    if (name === 'tee') args.filter((w) => !w.value.startsWith('-')).forEach((w) => this.write(w, stdin, 'tee'));
    if (COPIERS.has(name)) this.copy(args, name);
    if (name === 'dd') this.dd(args);
    if (name === 'sed' && args.some((w) => /^-[a-zA-Z]*i/.test(w.value) || w.value.startsWith('--in-place'))) this.sedInPlace(args);
    this.tool(ws, stdin);
    for (const r of c.redirects) {
      const toStdout = r.fd === undefined || r.fd === '1' || r.op.startsWith('&');
      if (['>', '>>', '>|', '&>', '&>>'].includes(r.op) && toStdout) this.write(r.target, out, 'a redirect');
    }
    return out;
  }

  /** Here-doc, here-string and `< file`; envsubst fills in every variable of its input, quoted or not. */
  private stdinOf(c: Command, name: string): Source[] {
    const found: Source[] = [];
    if (c.heredoc) {
      const refs = name === 'envsubst' ? refsIn(c.heredoc.body) : c.heredoc.refs;
      found.push(...refs.flatMap((r) => this.variable(r)), ...c.heredoc.subs.flatMap((s) => this.inText(s)));
    }
    for (const r of c.redirects) {
      if (r.op === '<<<') found.push(...this.of(r.target, false));
      if (r.op === '<') found.push(...this.of(r.target, true));
    }
    return found;
  }

  /** Credentials a word carries: variables it expands, command substitutions that read a secret file, or (readsFile) a secret file's path. */
  private of(w: Word, readsFile: boolean): Source[] {
    return [...w.refs.flatMap((r) => this.variable(r)), ...w.subs.flatMap((s) => this.inText(s)), ...(readsFile ? this.fileAt(w.value) : [])];
  }

  /**
   * What an assignment puts in a variable. A credential-named one set from a command's
   * output that holds nothing known here (`gitToken=$(cat /gt)`, `TOKEN=$(curl …)`) is
   * taken at its name, as a credential from outside would be; a literal (`TOKEN=dummy`)
   * or an empty value stays clean.
   */
  private assigned(name: string, w: Word): Source[] {
    const found = this.of(w, false);
    const known = found.filter((x) => !isProbe(x));
    return known.length || !w.subs.length || !this.names.isCredential(name) ? found : [...found, { kind: 'var', name, declared: true }];
  }

  /** A variable set in the script, a secret's env=, or a credential-named one from outside. */
  private variable(name: string): Source[] {
    return this.vars.get(name) ?? (this.names.isCredential(name) ? [{ kind: 'var', name, declared: this.names.declared(name) }] : []);
  }

  private inText(script: string): Source[] {
    const mounted = [...this.files].filter(([p]) => script.includes(p)).flatMap(([, s]) => s);
    const earlier = script.split(/\s+/).flatMap((w) => this.held(this.resolve(w)));
    return [...mounted, ...earlier, ...refsIn(script).flatMap((r) => this.variable(r))];
  }

  private fileAt(value: string): Source[] {
    const mounted = [...this.files].filter(([p]) => p === this.resolve(value) || value.includes(p)).flatMap(([, s]) => s);
    return [...mounted, ...this.held(this.resolve(value))];
  }

  /** What a file written earlier (by an earlier step, or by this RUN) holds. */
  private held(file: string | undefined): Source[] {
    return file === undefined ? [] : [...(this.own.get(file) ?? []), ...(this.tainted.get(file) ?? [])];
  }

  /** Credentials in files below a directory: a secret mounted there, or a file written earlier (`cp -r /root/.aws /srv/`). */
  private below(dir: string): Source[] {
    const d = this.resolve(dir)?.replace(/(.)\/+$/, '$1');
    if (d === undefined) return [];
    const inside = (p: string) => p.startsWith(d === '/' ? '/' : `${d}/`);
    return [...this.files, ...this.own, ...this.tainted].filter(([p]) => inside(p)).flatMap(([, s]) => s);
  }

  /** cp, mv, install, rsync, scp: the last operand receives what the others hold; mv takes the sources away. */
  private copy(args: Word[], how: string): void {
    const pos = args.filter((w) => !w.value.startsWith('-'));
    const from = pos.slice(0, -1).flatMap((w) => [...this.fileAt(w.value), ...this.below(w.value)]);
    if (pos.length > 1 && from.length) this.write(pos.at(-1)!, from, how);
    if (how === 'mv') this.removed(pos.slice(0, -1));
  }

  private dd(args: Word[]): void {
    const opt = (k: string) => args.find((w) => w.value.startsWith(`${k}=`));
    const inp = opt('if');
    const out = opt('of');
    if (inp && out) this.write({ ...out, value: out.value.slice(3) }, this.fileAt(inp.value.slice(3)), 'dd');
  }

  private sedInPlace(args: Word[]): void {
    const pos = args.filter((w) => !w.value.startsWith('-'));
    const explicit = args.some((w) => w.value === '-e' || w.value === '--expression');
    const scripts = explicit ? args.filter((_w, k) => ['-e', '--expression'].includes(args[k - 1]?.value ?? '')) : pos.slice(0, 1);
    const sources = scripts.flatMap((w) => this.of(w, false));
    pos.filter((w) => !scripts.includes(w)).forEach((w) => this.write(w, sources, 'sed -i'));
  }

  private tool(words: Word[], stdin: Source[]): void {
    // `… | xargs tool …`: the tool gets its input as arguments.
    const xargs = words[0] !== undefined && base(words[0]) === 'xargs';
    const ws = xargs ? afterXargs(words) : words;
    const store = toolStore(ws, { cwd: this.cwd, home: this.step.home });
    if (!store) return;
    const asCredential = (w: Word) => store.readsFiles === true || CREDENTIAL_OPTION.test(ws[ws.indexOf(w) - 1]?.value ?? '');
    const sources = [
      ...store.carriers.flatMap((w) => this.of(w, store.readsFiles === true).filter((x) => !isProbe(x) || asCredential(w))),
      ...(store.stdin || xargs ? stdin : [])
    ];
    if (!sources.length) return;
    const write = {
      step: this.step,
      file: store.file,
      written: store.file ?? store.how,
      sources: dedupe(sources),
      how: store.how,
      removed: false,
      byTool: true
    };
    this.writes.push(write);
    this.stores.push({ write, store });
  }

  private write(target: Word, all: Source[], how: string): void {
    const sources = all.filter((x) => !isProbe(x));
    if (!sources.length || NOT_FILES.test(target.value) || /^&?-?\d*$/.test(target.value)) return;
    const file = this.resolve(target.value);
    this.writes.push({ step: this.step, file, written: target.value, sources: dedupe(sources), how, removed: false });
    if (file !== undefined) this.own.set(file, dedupe([...(this.own.get(file) ?? []), ...sources]));
  }

  private removed(targets: Word[]): void {
    for (const t of targets) {
      const gone = this.resolve(t.value);
      for (const p of [...this.own.keys()]) if (gone !== undefined && (p === gone || p.startsWith(`${gone}/`) || gone === '/')) this.own.delete(p);
      for (const w of this.writes) {
        if (gone !== undefined && w.file !== undefined ? w.file === gone || w.file.startsWith(`${gone}/`) || gone === '/' : t.value === w.written)
          w.removed = true;
      }
    }
  }

  /** An absolute path: `~` and $HOME are the step's home, relative paths start at the current directory. */
  private resolve(p: string): string | undefined {
    const home = this.step.home;
    const v = p.replace(/^~(?=\/|$)/, home ?? '~').replace(/^\$\{?HOME\}?(?=\/|$)/, home ?? '$HOME');
    if (/[$`~]/.test(v)) return undefined;
    if (v.startsWith('/')) return path.posix.normalize(v);
    return this.cwd === undefined ? undefined : path.posix.resolve(this.cwd, v);
  }
}

/** Options that keep a printer quiet: `grep -q`, `sed -i`. */
const QUIET: Record<string, RegExp> = {
  grep: /^(-[a-zA-Z]*[qclL]|--(quiet|silent|count|files-with(out)?-matches))$/,
  sed: /^(-[a-zA-Z]*i|--in-place)/
};

/** `xargs [options] tool …`: the words from the tool on. */
function afterXargs(words: Word[]): Word[] {
  let k = 1;
  while (words[k]?.value.startsWith('-')) k += XARGS_VALUED.includes(words[k].value) ? 2 : 1;
  return words.slice(k);
}

/** The command's output goes to the build log: a printer, standard output not redirected to a file. */
function printsToLog(c: Command): boolean {
  const ws = toolWords(c.words);
  const name = ws[0] ? base(ws[0]) : '';
  if (!PRINTERS.has(name) || (QUIET[name] && ws.some((w) => QUIET[name].test(w.value)))) return false;
  return !c.redirects.some((r) => {
    const toStdout = r.fd === undefined || r.fd === '1' || r.op.startsWith('&');
    const toLog = /^&?-?\d*$/.test(r.target.value) || /^\/(dev\/(stdout|stderr|fd\/[12])|proc\/self\/fd\/[12])$/.test(r.target.value);
    return ['>', '>>', '>|', '&>', '&>>'].includes(r.op) && toStdout && !toLog;
  });
}

function dedupe(sources: Source[]): Source[] {
  const key = (s: Source) => (s.kind === 'secret' ? `s:${s.id}` : `${s.kind}:${s.name}`);
  return [...new Map(sources.map((s) => [key(s), s])).values()];
}
