/**
 * Just enough of the POSIX shell grammar to follow data in a RUN script: words (quotes
 * removed, the variables each expands), pipelines, redirections, here-documents, and
 * `sh -c '…'` scripts. Not an interpreter: control flow is read straight through.
 */

export interface Word {
  /** The word with quotes removed, expansions left as written. */
  value: string;
  /** Variables the shell expands in it: not in single quotes, a quoted here-doc or after a backslash. */
  refs: string[];
  /** Command substitutions the shell runs in it (`$(cat /run/secrets/x)`): their output is part of the word. */
  subs: string[];
}

export interface Redirect {
  op: string;
  /** The descriptor redirected, when written (`2>`). */
  fd?: string;
  target: Word;
}

export interface HereDoc {
  body: string;
  /** `<<'EOF'`: the body is taken literally. */
  quoted: boolean;
  refs: string[];
  subs: string[];
}

export interface Command {
  /** The command name and its arguments (leading assignments and reserved words taken off). */
  words: Word[];
  /** `NAME=value` before the command, or the whole command (`NAME=value`, `export NAME=value`). */
  assigns: { name: string; word: Word }[];
  redirects: Redirect[];
  heredoc?: HereDoc;
  /** Its standard input is the previous command's output (`a | b`). */
  piped: boolean;
}

type Token = { kind: 'word'; word: Word; raw: string } | { kind: 'op'; op: string } | { kind: 'redir'; op: string; fd?: string; doc?: HereDoc };

const OPS = ['&&', '||', ';;', '|&', '&>>', '&>', '>>', '>|', '>&', '<<<', '<<-', '<<', '<&', '<>', ';', '|', '&', '>', '<', '(', ')', '\n'];
const RESERVED_START = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'exec']);
const RESERVED_ALONE = new Set(['fi', 'done', '}', 'esac']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseScript(script: string): Command[] {
  return group(lex(script));
}

/** Variables referenced in text the shell expands (a here-doc body, the inside of `$(…)`). */
export function refsIn(text: string): string[] {
  return [...text.matchAll(/(?<!\\)\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
}

/** Command substitutions in text the shell expands. */
function subsIn(text: string): string[] {
  return [...text.matchAll(/\$\(([^)]*)\)|`([^`]*)`/g)].map((m) => m[1] ?? m[2]);
}

function lex(s: string): Token[] {
  const tokens: Token[] = [];
  const pending: { delim: string; doc: HereDoc; strip: boolean }[] = [];
  let k = 0;
  while (k < s.length) {
    const ch = s[k];
    if (ch === '\\' && s[k + 1] === '\n') {
      k += 2;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      k++;
      continue;
    }
    if (ch === '#') {
      while (k < s.length && s[k] !== '\n') k++;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, k));
    if (op) {
      k += op.length;
      if (op === '\n' && pending.length) k = readHereDocs(s, k, pending.splice(0));
      if (op.startsWith('<<') && op !== '<<<') {
        const { token, end } = lexWord(s, skipBlanks(s, k));
        const doc: HereDoc = { body: '', quoted: /['"\\]/.test(token.raw), refs: [], subs: [] };
        pending.push({ delim: token.word.value, doc, strip: op === '<<-' });
        tokens.push({ kind: 'redir', op, doc });
        k = end;
      } else if (/[<>]/.test(op)) tokens.push({ kind: 'redir', op });
      else tokens.push({ kind: 'op', op });
      continue;
    }
    const { token, end } = lexWord(s, k);
    k = end;
    // `2>file`: digits right before a redirection are its descriptor.
    const next = OPS.find((o) => s.startsWith(o, k));
    if (/^\d+$/.test(token.raw) && next && /^[<>]/.test(next) && !next.startsWith('<<')) {
      k += next.length;
      tokens.push({ kind: 'redir', op: next, fd: token.raw });
      continue;
    }
    tokens.push(token);
  }
  return tokens;
}

const skipBlanks = (s: string, k: number) => {
  while (s[k] === ' ' || s[k] === '\t') k++;
  return k;
};

function readHereDocs(s: string, k: number, docs: { delim: string; doc: HereDoc; strip: boolean }[]): number {
  for (const d of docs) {
    const lines: string[] = [];
    while (k < s.length) {
      const nl = s.indexOf('\n', k);
      const line = s.slice(k, nl === -1 ? s.length : nl);
      k = nl === -1 ? s.length : nl + 1;
      if ((d.strip ? line.replace(/^\t+/, '') : line).trim() === d.delim) break;
      lines.push(line);
    }
    d.doc.body = lines.join('\n');
    d.doc.refs = d.doc.quoted ? [] : refsIn(d.doc.body);
    d.doc.subs = d.doc.quoted ? [] : subsIn(d.doc.body);
  }
  return k;
}

/** One word from k: quotes, escapes, `$…`, `$(…)`, `${…}` and backquotes, up to a blank or an operator. */
function lexWord(s: string, k: number): { token: Token & { kind: 'word' }; end: number } {
  const start = k;
  let value = '';
  const refs: string[] = [];
  const subs: string[] = [];
  const add = (e: { text: string; refs: string[]; sub?: string }) => {
    value += e.text;
    refs.push(...e.refs);
    if (e.sub !== undefined) subs.push(e.sub);
  };
  while (k < s.length) {
    const ch = s[k];
    if (/[\s;&|<>()]/.test(ch)) break;
    if (ch === '\\') {
      if (s[k + 1] !== '\n') value += s[k + 1] ?? '';
      k += 2;
    } else if (ch === "'") {
      const end = s.indexOf("'", k + 1);
      const stop = end === -1 ? s.length : end;
      value += s.slice(k + 1, stop);
      k = stop + 1;
    } else if (ch === '"') {
      k++;
      while (k < s.length && s[k] !== '"') {
        if (s[k] === '\\' && /[$`"\\\n]/.test(s[k + 1] ?? '')) {
          if (s[k + 1] !== '\n') value += s[k + 1];
          k += 2;
        } else if (s[k] === '$' || s[k] === '`') {
          const e = expansion(s, k);
          add(e);
          k = e.end;
        } else value += s[k++];
      }
      k++;
    } else if (ch === '$' || ch === '`') {
      const e = expansion(s, k);
      add(e);
      k = e.end;
    } else value += s[k++];
  }
  return { token: { kind: 'word', word: { value, refs, subs }, raw: s.slice(start, k) }, end: k };
}

/** `$NAME`, `${…}`, `$(…)`, `$((…))` or a backquoted command at k: its text and the variables it expands. */
function expansion(s: string, k: number): { text: string; refs: string[]; sub?: string; end: number } {
  if (s[k] === '`') {
    const end = s.indexOf('`', k + 1);
    const stop = end === -1 ? s.length : end + 1;
    const sub = s.slice(k + 1, stop - 1);
    return { text: s.slice(k, stop), refs: refsIn(sub), sub, end: stop };
  }
  const open = s[k + 1];
  if (open === '(' || open === '{') {
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    let quote = '';
    let j = k + 1;
    for (; j < s.length; j++) {
      const c = s[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === "'" && open === '(') quote = c;
      else if (c === '\\') j++;
      else if (c === open) depth++;
      else if (c === close && --depth === 0) break;
    }
    const text = s.slice(k, j + 1);
    return { text, refs: refsIn(text), sub: open === '(' ? text.slice(2, -1) : undefined, end: j + 1 };
  }
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(s.slice(k));
  if (!m) return { text: '$', refs: [], end: k + 1 };
  return { text: m[0], refs: NAME.test(m[1]) ? [m[1]] : [], end: k + m[0].length };
}

function group(tokens: Token[]): Command[] {
  const out: Command[] = [];
  let cur: Command = empty(false);
  const finish = (piped: boolean) => {
    if (cur.words.length || cur.assigns.length || cur.redirects.length) out.push(...expandShellC(cur));
    cur = empty(piped);
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === 'op') {
      finish(t.op === '|' || t.op === '|&');
    } else if (t.kind === 'redir') {
      // A here-doc's delimiter was read with it.
      if (t.doc) cur.heredoc = t.doc;
      const target = tokens[k + 1];
      if (!t.doc && target?.kind === 'word') {
        cur.redirects.push({ op: t.op, fd: t.fd, target: target.word });
        k++;
      }
    } else if (cur.words.length === 0 && RESERVED_START.has(t.raw)) {
      continue;
    } else if (cur.words.length === 0 && RESERVED_ALONE.has(t.raw)) {
      finish(false);
    } else if (cur.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.raw)) {
      const eq = t.word.value.indexOf('=');
      cur.assigns.push({ name: t.word.value.slice(0, eq), word: { ...t.word, value: t.word.value.slice(eq + 1) } });
    } else {
      cur.words.push(t.word);
    }
  }
  finish(false);
  return out.map(exportsAsAssigns);
}

const empty = (piped: boolean): Command => ({ words: [], assigns: [], redirects: [], piped });

/** `export A=b`, `declare -x A=b`: assignments, for following data through variables. */
function exportsAsAssigns(c: Command): Command {
  if (!['export', 'declare', 'local', 'readonly', 'typeset'].includes(c.words[0]?.value ?? '')) return c;
  const assigns = c.words
    .slice(1)
    .filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value))
    .map((w) => ({ name: w.value.slice(0, w.value.indexOf('=')), word: { ...w, value: w.value.slice(w.value.indexOf('=') + 1) } }));
  return { ...c, assigns: [...c.assigns, ...assigns], words: [] };
}

/** `sh -c 'script'`: the script's own commands (its variables are expanded by that shell). */
function expandShellC(c: Command): Command[] {
  const name = c.words[0]?.value.split('/').pop() ?? '';
  if (!/^(ba|da|z|a|k)?sh$/.test(name)) return [c];
  const flag = c.words.findIndex((w, k) => k > 0 && /^-[a-z]*c[a-z]*$/.test(w.value));
  const script = flag > 0 ? c.words[flag + 1] : undefined;
  if (!script) return [c];
  const inner = parseScript(script.value);
  if (inner[0]) inner[0] = { ...inner[0], piped: c.piped, redirects: [...inner[0].redirects, ...c.redirects] };
  return inner;
}
