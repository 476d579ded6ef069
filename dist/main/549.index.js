export const id = 549;
export const ids = [549,749];
export const modules = {

/***/ 4158:
/***/ ((module, __unused_webpack_exports, __webpack_require__) => {


/**
 * @license
 * Copyright 2020 Balena Ltd.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *    http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 *
 * ------------------------------------------------------------------------
 *
 * Copyright 2018 Zeit, Inc.
 * Licensed under the MIT License. See file LICENSE.md for a full copy.
 *
 * ------------------------------------------------------------------------
 */

/**
 * This module implements the [dockerignore
 * spec](https://docs.docker.com/engine/reference/builder/#dockerignore-file),
 * closely following Docker's (Moby) Golang implementation:
 * https://github.com/moby/moby/blob/v19.03.8/builder/dockerignore/dockerignore.go
 * https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go
 * https://github.com/moby/moby/blob/v19.03.8/pkg/archive/archive.go#L825
 *
 * Something the spec is not clear about, but we discovered by reading source code
 * and testing against the "docker build" command, is the handling of backslashes and
 * forward slashes as path separators and escape characters in the .dockerignore file
 * across platforms including Windows, Linux and macOS:
 *
 * * On Linux and macOS, only forward slashes can be used as path separators in the
 *   .dockerignore file, and the backslash works as an escape character.
 * * On Windows, both forward slashes and backslashes are allowed as path separators
 *   in the .dockerignore file, and the backslash is not used as an escape character.
 *
 * This is consistent with how Windows works generally: both forward slashes and
 * backslashes are accepted as path separators by the cmd.exe Command Prompt or
 * PowerShell, and by library functions like the Golang filepath.Clean or the
 * Node.js path.normalize.
 *
 * Similarly, path strings provided to the IgnoreBase.ignores() and IgnoreBase.filter()
 * methods can use either forward slashes or backslashes as path separators on Windows,
 * but only forward slashes are accepted as path separators on Linux and macOS.
 */

const path = __webpack_require__(6928);

const factory = options => new IgnoreBase(options); // https://github.com/kaelzhang/node-ignore/blob/5.1.4/index.js#L538-L539
// Fixes typescript module import


factory.default = factory;
module.exports = factory;

function make_array(subject) {
  return Array.isArray(subject) ? subject : [subject];
}

const REGEX_TRAILING_SLASH = /(?<=.)\/$/;
const REGEX_TRAILING_BACKSLASH = /(?<=.)\\$/;
const REGEX_TRAILING_PATH_SEP = path.sep === '\\' ? REGEX_TRAILING_BACKSLASH : REGEX_TRAILING_SLASH;
const KEY_IGNORE = typeof Symbol !== 'undefined' ? Symbol.for('dockerignore') : 'dockerignore'; // An implementation of Go's filepath.Clean
// https://golang.org/pkg/path/filepath/#Clean
// https://github.com/golang/go/blob/master/src/path/filepath/path.go
// Note that, like Go, on Windows this function converts forward slashes
// to backslashes.

function cleanPath(file) {
  return path.normalize(file).replace(REGEX_TRAILING_PATH_SEP, '');
} // Javascript port of Golang's filepath.ToSlash
// https://golang.org/pkg/path/filepath/#ToSlash
// https://github.com/golang/go/blob/master/src/path/filepath/path.go
// Convert any OS-specific path separator to '/'. Backslash is converted
// to forward slash on Windows, but not on Linux/macOS.
// Note that both forward slashes and backslashes are valid path separators on
// Windows. As a result, code such as `pattern.split(path.sep).join('/')` fails
// on Windows when forward slashes are used as path separators.


function toSlash(file) {
  if (path.sep === '/') {
    return file;
  }

  return file.replace(/\\/g, '/');
} // Javascript port of Golang's filepath.FromSlash
// https://github.com/golang/go/blob/master/src/path/filepath/path.go


function fromSlash(file) {
  if (path.sep === '/') {
    return file;
  }

  return file.replace(/\//g, path.sep);
}

class IgnoreBase {
  constructor({
    // https://github.com/kaelzhang/node-ignore/blob/5.1.4/index.js#L372
    ignorecase = true
  } = {}) {
    this._rules = [];
    this._ignorecase = ignorecase;
    this[KEY_IGNORE] = true;

    this._initCache();
  }

  _initCache() {
    this._cache = {};
  } // @param {Array.<string>|string|Ignore} pattern


  add(pattern) {
    this._added = false;

    if (typeof pattern === 'string') {
      pattern = pattern.split(/\r?\n/g);
    }

    make_array(pattern).forEach(this._addPattern, this); // Some rules have just added to the ignore,
    // making the behavior changed.

    if (this._added) {
      this._initCache();
    }

    return this;
  } // legacy


  addPattern(pattern) {
    return this.add(pattern);
  }

  _addPattern(pattern) {
    // https://github.com/kaelzhang/node-ignore/issues/32
    if (pattern && pattern[KEY_IGNORE]) {
      this._rules = this._rules.concat(pattern._rules);
      this._added = true;
      return;
    }

    if (this._checkPattern(pattern)) {
      const rule = this._createRule(pattern.trim());

      if (rule !== null) {
        this._added = true;

        this._rules.push(rule);
      }
    }
  }

  _checkPattern(pattern) {
    // https://github.com/moby/moby/blob/v19.03.8/builder/dockerignore/dockerignore.go#L34-L40
    return pattern && typeof pattern === 'string' && pattern.indexOf('#') !== 0 && pattern.trim() !== "";
  }

  filter(paths) {
    return make_array(paths).filter(path => this._filter(path));
  }

  createFilter() {
    return path => this._filter(path);
  }

  ignores(path) {
    return !this._filter(path);
  } // https://github.com/moby/moby/blob/v19.03.8/builder/dockerignore/dockerignore.go#L41-L53
  // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L29-L55


  _createRule(pattern) {
    const origin = pattern;
    let negative = false; // > An optional prefix "!" which negates the pattern;
    // https://github.com/moby/moby/blob/v19.03.8/builder/dockerignore/dockerignore.go#L43-L46

    if (pattern[0] === '!') {
      negative = true;
      pattern = pattern.substring(1).trim();
    } // https://github.com/moby/moby/blob/v19.03.8/builder/dockerignore/dockerignore.go#L47-L53


    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      pattern = toSlash(pattern);

      if (pattern.length > 1 && pattern[0] === '/') {
        pattern = pattern.slice(1);
      }
    } // https://github.com/moby/moby/blob/v19.03.8/builder/dockerignore/dockerignore.go#L54-L55


    if (negative) {
      pattern = '!' + pattern;
    } // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L30


    pattern = pattern.trim();

    if (pattern === "") {
      return null;
    } // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L34
    // convert forward slashes to backslashes on Windows


    pattern = cleanPath(pattern); // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L36-L42

    if (pattern[0] === '!') {
      if (pattern.length === 1) {
        return null;
      }

      negative = true;
      pattern = pattern.substring(1);
    } else {
      negative = false;
    }

    return {
      origin,
      pattern,
      // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L54
      dirs: pattern.split(path.sep),
      negative
    };
  } // @returns `Boolean` true if the `path` is NOT ignored


  _filter(path) {
    if (!path) {
      return false;
    }

    if (path in this._cache) {
      return this._cache[path];
    }

    return this._cache[path] = this._test(path);
  } // @returns {Boolean} true if a file is NOT ignored
  // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L62


  _test(file) {
    file = fromSlash(file); // equivalent to golang filepath.Dir() https://golang.org/src/path/filepath/path.go

    const parentPath = cleanPath(path.dirname(file));
    const parentPathDirs = parentPath.split(path.sep);
    let matched = false;

    this._rules.forEach(rule => {
      let match = this._match(file, rule); // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L80


      if (!match && parentPath !== ".") {
        // Check to see if the pattern matches one of our parent dirs.
        if (rule.dirs.includes('**')) {
          // Ah shucks! We have to test every possible parent path that has 
          // a number of dirs _n_ where 
          // `rule.dirs.filter(doubleStar).length <= _n_ <= parentPathDirs.length`
          // since the ** can imply any number of directories including 0
          for (let i = rule.dirs.filter(x => x !== '**').length; i <= parentPathDirs.length; i++) {
            match = match || this._match(parentPathDirs.slice(0, i).join(path.sep), rule);
          }
        } else if (rule.dirs.length <= parentPathDirs.length) {
          // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L83
          match = this._match(parentPathDirs.slice(0, rule.dirs.length).join(path.sep), rule);
        }
      }

      if (match) {
        matched = !rule.negative;
      }
    });

    return !matched;
  } // @returns {Boolean} true if a file is matched by a rule


  _match(file, rule) {
    return this._compile(rule).regexp.test(file);
  } // https://github.com/moby/moby/blob/v19.03.8/pkg/fileutils/fileutils.go#L139


  _compile(rule) {
    if (rule.regexp) {
      return rule;
    }

    let regStr = '^'; // Go through the pattern and convert it to a regexp.

    let escapedSlash = path.sep === '\\' ? '\\\\' : path.sep;

    for (let i = 0; i < rule.pattern.length; i++) {
      const ch = rule.pattern[i];

      if (ch === '*') {
        if (rule.pattern[i + 1] === '*') {
          // is some flavor of "**"
          i++; // Treat **/ as ** so eat the "/"

          if (rule.pattern[i + 1] === path.sep) {
            i++;
          }

          if (rule.pattern[i + 1] === undefined) {
            // is "**EOF" - to align with .gitignore just accept all
            regStr += ".*";
          } else {
            // is "**"
            // Note that this allows for any # of /'s (even 0) because
            // the .* will eat everything, even /'s
            regStr += `(.*${escapedSlash})?`;
          }
        } else {
          // is "*" so map it to anything but "/"
          regStr += `[^${escapedSlash}]*`;
        }
      } else if (ch === '?') {
        // "?" is any char except "/"
        regStr += `[^${escapedSlash}]`;
      } else if (ch === '.' || ch === '$') {
        // Escape some regexp special chars that have no meaning
        // in golang's filepath.Match
        regStr += `\\${ch}`;
      } else if (ch === '\\') {
        // escape next char. Note that a trailing \ in the pattern
        // will be left alone (but need to escape it)
        if (path.sep === '\\') {
          // On windows map "\" to "\\", meaning an escaped backslash,
          // and then just continue because filepath.Match on
          // Windows doesn't allow escaping at all
          regStr += escapedSlash;
          continue;
        }

        if (rule.pattern[i + 1] !== undefined) {
          regStr += '\\' + rule.pattern[i + 1];
          i++;
        } else {
          regStr += '\\';
        }
      } else {
        regStr += ch;
      }
    }

    regStr += "$";
    rule.regexp = new RegExp(regStr, this._ignorecase ? 'i' : '');
    return rule;
  }

}


/***/ }),

/***/ 749:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseDockerignore: () => (/* binding */ parseDockerignore),
/* harmony export */   readDockerignore: () => (/* binding */ readDockerignore),
/* harmony export */   sourceCovers: () => (/* binding */ sourceCovers)
/* harmony export */ });
/* harmony import */ var _balena_dockerignore__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4158);
/* harmony import */ var _balena_dockerignore__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(_balena_dockerignore__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/**
 * Which paths of the build context never reach the builder (`.dockerignore`), and
 * which a COPY/ADD source takes in. Both use Docker's pattern rules, through
 * @balena/dockerignore (a port of Docker's own fileutils matcher): patterns relative
 * to the context root, `**` across elements, `!` re-includes, last match wins, and a
 * pattern that names a directory covers what is in it.
 */



// CommonJS (`module.exports = factory`) typed as an ES module with a default export.
const dockerignore = (_balena_dockerignore__WEBPACK_IMPORTED_MODULE_0___default());
function parseDockerignore(text) {
    const ig = dockerignore({ ignorecase: false }).add(text.split(/\r?\n/));
    return (rel) => ig.ignores(rel);
}
/** The rules for a build: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's .dockerignore. */
function readDockerignore(context, dockerfile) {
    for (const f of [`${dockerfile}.dockerignore`, node_path__WEBPACK_IMPORTED_MODULE_2__.join(context, '.dockerignore')]) {
        try {
            return parseDockerignore(node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(f, 'utf8'));
        }
        catch {
            // try the next one
        }
    }
    return () => false;
}
/** Whether a COPY/ADD source (a path, a directory, or a glob) takes in the context path `rel`. */
function sourceCovers(src, rel) {
    const clean = node_path__WEBPACK_IMPORTED_MODULE_2__.posix.normalize(src.replace(/^\/+/, ''));
    if (clean === '.' || clean === './')
        return true;
    return parseDockerignore(clean)(rel);
}


/***/ }),

/***/ 1549:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  RULES: () => (/* reexport */ rules/* RULES */.y0),
  RULE_IDS: () => (/* reexport */ rules/* RULE_IDS */.Iu),
  credentialFileKind: () => (/* reexport */ credential_files/* credentialFileKind */.Wq),
  isRuleId: () => (/* reexport */ rules/* isRuleId */.KX),
  looksLikeCredential: () => (/* reexport */ looksLikeCredential),
  plausiblySecret: () => (/* reexport */ plausiblySecret),
  preflight: () => (/* binding */ preflight),
  rulePage: () => (/* reexport */ rules/* rulePage */.gd)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/dockerfile-ast/lib/main.js
var main = __webpack_require__(8390);
// EXTERNAL MODULE: ./src/leak-guard/dockerignore.ts
var dockerignore = __webpack_require__(749);
// EXTERNAL MODULE: ./src/leak-guard/preflight/model.ts
var preflight_model = __webpack_require__(5418);
// EXTERNAL MODULE: ./src/leak-guard/preflight/credential-files.ts
var credential_files = __webpack_require__(5060);
;// CONCATENATED MODULE: ./src/leak-guard/preflight/shell.ts
/**
 * Just enough of the POSIX shell grammar to follow data in a RUN script: words (quotes
 * removed, the variables each expands), pipelines, redirections, here-documents, and
 * `sh -c '…'` scripts. Not an interpreter: control flow is read straight through.
 */
const OPS = ['&&', '||', ';;', '|&', '&>>', '&>', '>>', '>|', '>&', '<<<', '<<-', '<<', '<&', '<>', ';', '|', '&', '>', '<', '(', ')', '\n'];
const RESERVED_START = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'exec']);
const RESERVED_ALONE = new Set(['fi', 'done', '}', 'esac']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function parseScript(script) {
    return group(lex(script));
}
/** Variables referenced in text the shell expands (a here-doc body, the inside of `$(…)`). */
function refsIn(text) {
    return [...text.matchAll(/(?<!\\)\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
}
/** Command substitutions in text the shell expands. */
function subsIn(text) {
    return [...text.matchAll(/\$\(([^)]*)\)|`([^`]*)`/g)].map((m) => m[1] ?? m[2]);
}
function lex(s) {
    const tokens = [];
    const pending = [];
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
            while (k < s.length && s[k] !== '\n')
                k++;
            continue;
        }
        const op = OPS.find((o) => s.startsWith(o, k));
        if (op) {
            k += op.length;
            if (op === '\n' && pending.length)
                k = readHereDocs(s, k, pending.splice(0));
            if (op.startsWith('<<') && op !== '<<<') {
                const { token, end } = lexWord(s, skipBlanks(s, k));
                const doc = { body: '', quoted: /['"\\]/.test(token.raw), refs: [], subs: [] };
                pending.push({ delim: token.word.value, doc, strip: op === '<<-' });
                tokens.push({ kind: 'redir', op, doc });
                k = end;
            }
            else if (/[<>]/.test(op))
                tokens.push({ kind: 'redir', op });
            else
                tokens.push({ kind: 'op', op });
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
const skipBlanks = (s, k) => {
    while (s[k] === ' ' || s[k] === '\t')
        k++;
    return k;
};
function readHereDocs(s, k, docs) {
    for (const d of docs) {
        const lines = [];
        while (k < s.length) {
            const nl = s.indexOf('\n', k);
            const line = s.slice(k, nl === -1 ? s.length : nl);
            k = nl === -1 ? s.length : nl + 1;
            if ((d.strip ? line.replace(/^\t+/, '') : line).trim() === d.delim)
                break;
            lines.push(line);
        }
        d.doc.body = lines.join('\n');
        d.doc.refs = d.doc.quoted ? [] : refsIn(d.doc.body);
        d.doc.subs = d.doc.quoted ? [] : subsIn(d.doc.body);
    }
    return k;
}
/** One word from k: quotes, escapes, `$…`, `$(…)`, `${…}` and backquotes, up to a blank or an operator. */
function lexWord(s, k) {
    const start = k;
    let value = '';
    const refs = [];
    const subs = [];
    const add = (e) => {
        value += e.text;
        refs.push(...e.refs);
        if (e.sub !== undefined)
            subs.push(e.sub);
    };
    while (k < s.length) {
        const ch = s[k];
        if (/[\s;&|<>()]/.test(ch))
            break;
        if (ch === '\\') {
            if (s[k + 1] !== '\n')
                value += s[k + 1] ?? '';
            k += 2;
        }
        else if (ch === "'") {
            const end = s.indexOf("'", k + 1);
            const stop = end === -1 ? s.length : end;
            value += s.slice(k + 1, stop);
            k = stop + 1;
        }
        else if (ch === '"') {
            k++;
            while (k < s.length && s[k] !== '"') {
                if (s[k] === '\\' && /[$`"\\\n]/.test(s[k + 1] ?? '')) {
                    if (s[k + 1] !== '\n')
                        value += s[k + 1];
                    k += 2;
                }
                else if (s[k] === '$' || s[k] === '`') {
                    const e = expansion(s, k);
                    add(e);
                    k = e.end;
                }
                else
                    value += s[k++];
            }
            k++;
        }
        else if (ch === '$' || ch === '`') {
            const e = expansion(s, k);
            add(e);
            k = e.end;
        }
        else
            value += s[k++];
    }
    return { token: { kind: 'word', word: { value, refs, subs }, raw: s.slice(start, k) }, end: k };
}
/** `$NAME`, `${…}`, `$(…)`, `$((…))` or a backquoted command at k: its text and the variables it expands. */
function expansion(s, k) {
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
                if (c === quote)
                    quote = '';
            }
            else if (c === "'" && open === '(')
                quote = c;
            else if (c === '\\')
                j++;
            else if (c === open)
                depth++;
            else if (c === close && --depth === 0)
                break;
        }
        const text = s.slice(k, j + 1);
        return { text, refs: refsIn(text), sub: open === '(' ? text.slice(2, -1) : undefined, end: j + 1 };
    }
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(s.slice(k));
    if (!m)
        return { text: '$', refs: [], end: k + 1 };
    return { text: m[0], refs: NAME.test(m[1]) ? [m[1]] : [], end: k + m[0].length };
}
function group(tokens) {
    const out = [];
    let cur = empty(false);
    const finish = (piped) => {
        if (cur.words.length || cur.assigns.length || cur.redirects.length)
            out.push(...expandShellC(cur));
        cur = empty(piped);
    };
    for (let k = 0; k < tokens.length; k++) {
        const t = tokens[k];
        if (t.kind === 'op') {
            finish(t.op === '|' || t.op === '|&');
        }
        else if (t.kind === 'redir') {
            // A here-doc's delimiter was read with it.
            if (t.doc)
                cur.heredoc = t.doc;
            const target = tokens[k + 1];
            if (!t.doc && target?.kind === 'word') {
                cur.redirects.push({ op: t.op, fd: t.fd, target: target.word });
                k++;
            }
        }
        else if (cur.words.length === 0 && RESERVED_START.has(t.raw)) {
            continue;
        }
        else if (cur.words.length === 0 && RESERVED_ALONE.has(t.raw)) {
            finish(false);
        }
        else if (cur.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.raw)) {
            const eq = t.word.value.indexOf('=');
            cur.assigns.push({ name: t.word.value.slice(0, eq), word: { ...t.word, value: t.word.value.slice(eq + 1) } });
        }
        else {
            cur.words.push(t.word);
        }
    }
    finish(false);
    return out.map(exportsAsAssigns);
}
const empty = (piped) => ({ words: [], assigns: [], redirects: [], piped });
/** `export A=b`, `declare -x A=b`: assignments, for following data through variables. */
function exportsAsAssigns(c) {
    if (!['export', 'declare', 'local', 'readonly', 'typeset'].includes(c.words[0]?.value ?? ''))
        return c;
    const assigns = c.words
        .slice(1)
        .filter((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value))
        .map((w) => ({ name: w.value.slice(0, w.value.indexOf('=')), word: { ...w, value: w.value.slice(w.value.indexOf('=') + 1) } }));
    return { ...c, assigns: [...c.assigns, ...assigns], words: [] };
}
/** `sh -c 'script'`: the script's own commands (its variables are expanded by that shell). */
function expandShellC(c) {
    const name = c.words[0]?.value.split('/').pop() ?? '';
    if (!/^(ba|da|z|a|k)?sh$/.test(name))
        return [c];
    const flag = c.words.findIndex((w, k) => k > 0 && /^-[a-z]*c[a-z]*$/.test(w.value));
    const script = flag > 0 ? c.words[flag + 1] : undefined;
    if (!script)
        return [c];
    const inner = parseScript(script.value);
    if (inner[0])
        inner[0] = { ...inner[0], piped: c.piped, redirects: [...inner[0].redirects, ...c.redirects] };
    return inner;
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/values.ts
/** A secret's value written in the Dockerfile itself. */

/**
 * Whether a value given as a secret looks like one: at least 8 bytes, and either not one
 * line of printable ASCII (a key or credentials file), or upper case, lower case and
 * digits together (passwords, base62/base64 tokens), or at least 20 bytes with 4 or more
 * letters and 4 or more digits and no blank (hex and base32 tokens). A short or plain
 * value (a user name such as `${{ github.actor }}`, a registry host) passed as a secret is
 * often also public, so finding it in a LABEL proves nothing.
 */
function plausiblySecret(value) {
    const text = value.toString('latin1');
    if (value.length < 8)
        return false;
    if (!/^[\x20-\x7e]*$/.test(text))
        return true;
    const count = (re) => (text.match(re) ?? []).length;
    if (count(/[a-z]/g) && count(/[A-Z]/g) && count(/[0-9]/g))
        return true;
    return value.length >= 20 && count(/[A-Za-z]/g) >= 4 && count(/[0-9]/g) >= 4 && !/\s/.test(text);
}
function secretValues(model, input) {
    const plausible = input.plausibleSecretIds && new Set(input.plausibleSecretIds);
    return model.instructions.flatMap((ins) => input.redactor.secretsIn(ins.getTextContent()).map((id) => !plausible || plausible.has(id)
        ? {
            rule: 'secret-value-in-dockerfile',
            severity: 'error',
            line: (0,preflight_model/* lineOf */.cA)(ins),
            message: `the Dockerfile contains the value of secret "${id}": it would be stored in the image or its history; mount it with RUN --mount=type=secret,id=${id}`
        }
        : {
            rule: 'secret-value-in-dockerfile',
            severity: 'warning',
            line: (0,preflight_model/* lineOf */.cA)(ins),
            message: `the Dockerfile contains the value of secret "${id}", a value that does not look secret (short or plain, e.g. a user name); if it is one, mount it with RUN --mount=type=secret,id=${id}`
        }));
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/names.ts
/**
 * Credential-looking ARG/ENV names: BuildKit's SecretsUsedInArgOrEnv rule
 * (frontend/dockerfile/dockerfile2llb/validations.go, getSecretsRegex), widened to
 * camelCase, `-`/`.` separators, `pat` and `…key` compounds, and quiet for names that
 * hold a path or the name of a secret rather than a credential.
 */





/** BuildKit's deny words (any `_`-separated word of the name, case-insensitive), plus `pat` (personal access token). */
const CREDENTIAL_WORDS = new Set(['apikey', 'auth', 'credential', 'credentials', 'key', 'password', 'pword', 'passwd', 'secret', 'token', 'pat']);
/**
 * BuildKit's allow words (public, file, version): a name with one of them is not a credential
 * (NPM_TOKEN_FILE is a path). `path` is ours, for the same reason.
 */
const ALLOW_WORDS = new Set(['public', 'file', 'version', 'path']);
function looksLikeCredential(name) {
    const parts = (0,credential_files/* nameWords */.Lo)(name);
    if (parts.some((p) => ALLOW_WORDS.has(p)))
        return false;
    // Compounds written as one word (LBHPACKAGESTOKEN, apiKey, privatekey) end in a credential word.
    return parts.some((p) => CREDENTIAL_WORDS.has(p)) || /(api|access|private|secret)key$|(token|password|passwd|secret)$/i.test(name);
}
/**
 * Variables that hold the name of a secret or a path, not a credential: used in a
 * `--mount` option (`id=$AUTH_SECRET`) or as a COPY/ADD source (`COPY $GCP_SA_KEY key.json`;
 * not in a URL: `ADD https://$TOKEN@host/f` carries the credential), or set to a secret id
 * or to an absolute path.
 */
function nameHolders(model, ids) {
    const holders = new Set();
    for (const step of [...model.meta.map((ins) => ({ ins })), ...model.steps]) {
        const flags = step.ins instanceof main.Run ? step.ins.getFlags() : [];
        for (const f of flags.filter((x) => x.getName() === 'mount'))
            refsIn(f.getValue() ?? '').forEach((r) => holders.add(r));
        if (step.ins instanceof main.Copy || step.ins instanceof main.Add) {
            const paths = ((0,preflight_model/* copyArgs */.Hp)(step.ins)?.sources ?? []).filter((src) => !URL_SOURCE.test(src));
            refsIn(paths.join(' ')).forEach((r) => holders.add(r));
        }
        for (const d of declarations(step))
            if (d.value !== undefined && (ids.has(d.value) || d.value.startsWith('/')))
                holders.add(d.name);
    }
    return holders;
}
/** Every name an ARG or ENV of the Dockerfile declares (ONBUILD triggers and the ARGs before FROM included). */
function declaredNames(model) {
    return new Set([...model.meta.map((ins) => ({ ins })), ...model.steps].flatMap((s) => declarations(s).map((d) => d.name)));
}
/** An ADD source fetched by BuildKit: http(s) or a git URL. */
const URL_SOURCE = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;
function declarations(step) {
    if (step.ins instanceof main.Arg)
        return (0,preflight_model/* argDecls */.iy)(step.ins).map((d) => ({ kw: 'ARG', ...d }));
    if (step.ins instanceof main.Env)
        return step.ins.getProperties().map((p) => ({ kw: 'ENV', name: p.getName(), value: p.getValue() ?? undefined }));
    return [];
}
/**
 * Credential-looking ARG/ENV names, by their value: a literal that looks like a credential
 * (`ENV API_SECRET=s3cr3t-9f8e…`) is in the image config or history as it is → error
 * (credential-literal); an empty default (`ENV API_PASSWORD=""`) holds nothing → notice;
 * no value, a reference or a placeholder → warning. An ENV or LABEL set from a credential
 * ARG (`ENV NPM_TOKEN=${NPM_TOKEN}`) puts the value in the image config, and an ADD URL
 * with one (`ADD https://u:${TOKEN}@host/f /f`) in the image history (BuildKit records
 * ADD's sources, variables expanded): error when the stage reaches the final image. In an
 * ONBUILD trigger all of these happen in the builds FROM this image: warnings about those.
 */
function credentialNames(model, isCredential) {
    const all = [...model.meta.map((ins) => ({ ins, line: (0,preflight_model/* lineOf */.cA)(ins), stage: undefined, onbuild: false })), ...model.steps];
    const reach = (step) => !step.onbuild && (0,preflight_model/* inFinalChain */.ZR)(model, step.stage) ? 'error' : 'warning';
    const trigger = (step) => (step.onbuild ? `${ONBUILD} ` : '');
    return all.flatMap((step) => [
        ...[...declarations(step), ...labels(step)].flatMap((d) => {
            const from = d.kw === 'ARG' ? [] : refsIn(d.value ?? '').filter((r) => isCredential(r) && argInScope(step, r));
            if (from.length && step.stage) {
                return [
                    {
                        rule: 'credential-in-image-config',
                        severity: reach(step),
                        line: step.line,
                        message: `${trigger(step)}${d.kw} ${d.name} takes ${from.join(', ')} (a credential-named ARG/ENV) into the image config: ${d.kw === 'ENV' ? 'every container and ' : ''}docker inspect show${d.kw === 'ENV' ? '' : 's'} it; use a secret mount instead`
                    }
                ];
            }
            if (d.kw === 'LABEL' || !isCredential(d.name))
                return [];
            return [nameFinding(step, d, trigger(step))];
        }),
        ...(step.stage && step.ins instanceof main.Add ? urlCredentials(step.ins, (r) => isCredential(r) && argInScope(step, r)) : []).map(({ src, from }) => ({
            rule: 'credential-in-image-config',
            severity: reach(step),
            line: step.line,
            message: `${trigger(step)}ADD ${src} puts ${from.join(', ')} (a credential-named ARG/ENV) into the image history: BuildKit records ADD's source URL with the variables expanded; download it in a RUN with a secret mount instead`
        }))
    ]);
}
const ONBUILD = 'ONBUILD (in the builds FROM this image)';
/** A credential-named ARG or ENV, weighed by its value. */
function nameFinding(step, d, trigger) {
    const value = d.value === undefined ? undefined : (0,preflight_model/* unquote */._n)(d.value);
    if (value !== undefined && literalCredential(value)) {
        return {
            rule: 'credential-literal',
            severity: step.onbuild ? 'warning' : 'error',
            line: step.line,
            message: `${trigger}${d.kw} ${d.name} is set to a literal that looks like a credential: it is in the image's config and history as written, for anyone who pulls the image; remove it, rotate it, and pass it as a secret mount`
        };
    }
    return {
        rule: 'credential-name',
        severity: value === '' ? 'notice' : 'warning',
        line: step.line,
        message: value === ''
            ? `${trigger}${d.kw} ${d.name} looks like a credential and defaults to empty: harmless as it is, but a value given to it later is kept in the image history and provenance; use a secret mount for the real one`
            : `${trigger}${d.kw} ${d.name} looks like a credential: ${d.kw} values are kept in the image history and provenance; use a secret mount instead`
    };
}
/** Placeholders people write where a credential goes. */
const PLACEHOLDER = /^(<.*>|\{\{.*\}\}|x+|\*+|(change|replace)[-_]?me.*|dummy.*|placeholder.*|example.*|your[-_].*|redacted|none|null|nil|true|false|unset|default|secret|password|token|test|testing|local|dev|development)$/i;
/**
 * A literal value that looks like a credential: 8+ characters, no variable, no blank, not a
 * path, a URL without a password, or a placeholder, with letters and digits together and
 * either a random look (plausiblySecret) or 12+ characters.
 */
function literalCredential(value) {
    if (value.length < 8 || /[$\s]/.test(value) || /^(\/|\.\.?\/|~)/.test(value) || PLACEHOLDER.test(value))
        return false;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
        return /^[a-z][a-z0-9+.-]*:\/\/[^/@:]+:[^/@]+@/i.test(value);
    if (!/[A-Za-z]/.test(value) || !/[0-9]/.test(value))
        return false;
    return plausiblySecret(Buffer.from(value)) || value.length >= 12;
}
/**
 * Whether `name` is an ARG declared in the step's stage before it: only then can a
 * build-arg put a value there. An undeclared name expands to nothing (a value the base
 * image set is in its config already), and a global ARG not declared again in the stage
 * is not in scope.
 */
function argInScope(step, name) {
    if (!step.stage)
        return false;
    const before = step.stage.steps.slice(0, step.stage.steps.findIndex((s) => s.ins === step.ins));
    return before.some((s) => !s.onbuild && s.ins instanceof main.Arg && (0,preflight_model/* argDecls */.iy)(s.ins).some((d) => d.name === name));
}
function labels(step) {
    return step.ins instanceof main.Label ? step.ins.getProperties().map((p) => ({ kw: 'LABEL', name: p.getName(), value: p.getValue() ?? undefined })) : [];
}
/** ADD sources that are URLs and carry a credential-named variable. */
function urlCredentials(ins, isCredential) {
    return ((0,preflight_model/* copyArgs */.Hp)(ins)?.sources ?? [])
        .filter((src) => URL_SOURCE.test(src))
        .map((src) => ({ src, from: refsIn(src).filter(isCredential) }))
        .filter((u) => u.from.length);
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/context.ts
/**
 * Files from the build context that hold credentials, taken into the image by COPY/ADD:
 * credential files by name (.netrc, id_rsa, .env …), config files that hold a literal
 * credential (.npmrc, pip.conf …, as read by the guard), and the files given as
 * secret-files when they lie inside the context.
 */






/** COPY/ADD from the build context (no --from), with their sources and destination. */
function contextCopies(model) {
    return model.steps
        .filter((s) => !s.onbuild && (s.ins instanceof main.Copy || s.ins instanceof main.Add))
        .filter((s) => (0,preflight_model/* copyFrom */.c7)(s.ins) === undefined)
        .flatMap((step) => {
        const args = (0,preflight_model/* copyArgs */.Hp)(step.ins);
        if (!args)
            return [];
        return [{ step, sources: args.sources.map((s) => (0,preflight_model/* expand */.fT)(s, step.vars) ?? s), dest: (0,preflight_model/* expand */.fT)(args.dest, step.vars) }];
    });
}
/**
 * Credential files (by name, or named for a token) a `COPY --from` takes out of an image the
 * build does not make: `COPY --from=registry/tok:1 /tmp/GithubToken /gt`, or from a stage
 * that is only a name for one (`FROM registry/tok:1 AS token`). What a stage's own steps
 * write is followed by what they write instead.
 */
function imageCopies(model) {
    const external = (step) => {
        const stage = (0,preflight_model/* copyFromStage */._x)(model, step);
        return !stage || (!stage.base && stage.steps.length === 0);
    };
    return model.steps
        .filter((s) => !s.onbuild && s.ins instanceof main.Copy && external(s))
        .flatMap((step) => {
        const image = (0,preflight_model/* copyFrom */.c7)(step.ins);
        const args = (0,preflight_model/* copyArgs */.Hp)(step.ins);
        if (!image || !args)
            return [];
        const sources = args.sources.map((src) => (0,preflight_model/* expand */.fT)(src, step.vars) ?? src);
        return sources
            .filter((src) => !/[*?[]/.test(src) && ((0,credential_files/* credentialFileKind */.Wq)(src.replace(/\/+$/, '')) === 'credential' || (0,credential_files/* tokenFileName */.L8)(src)))
            .map((src) => ({ step, name: src, image, file: destOf(step, (0,preflight_model/* expand */.fT)(args.dest, step.vars), src, sources.length > 1) }));
    });
}
/**
 * Credential files a COPY/ADD takes from the context: named outright (a credential whatever
 * it holds, if it is there: BuildKit fails the COPY otherwise), copied to a credential's
 * place (`COPY key /root/.ssh/id_rsa`), named by a credential-named variable
 * (`COPY $GCP_SA_KEY key.json`), or taken in by a wider source when the guard found them
 * in the context, not excluded, and holding a credential.
 */
function credentialCopies(model, input) {
    const known = input.contextCredentialFiles;
    const out = [];
    for (const c of contextCopies(model)) {
        const hits = new Set();
        const intoCredential = c.dest !== undefined && !c.dest.endsWith('/') && c.sources.length === 1 && (0,credential_files/* credentialFileKind */.Wq)(c.dest) === 'credential';
        for (const src of c.sources) {
            const explicit = src.replace(/^\.?\/+/, '').replace(/\/+$/, '');
            const byName = (0,credential_files/* credentialFileKind */.Wq)(explicit) === 'credential' || (0,credential_files/* tokenFileName */.L8)(explicit);
            const named = byName && (!known || known.some((f) => f.relPath === explicit && !f.ignored));
            const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(src);
            if (named || intoCredential || (variable && looksLikeCredential(variable[1])))
                hits.add(explicit);
            for (const f of known ?? []) {
                if (!f.ignored && (f.literal || (0,credential_files/* credentialFileKind */.Wq)(f.relPath) === 'credential') && (0,dockerignore.sourceCovers)(src, f.relPath))
                    hits.add(f.relPath);
            }
        }
        for (const name of hits)
            out.push({ step: c.step, name, file: destOf(c.step, c.dest, name, c.sources.length > 1) });
    }
    return out;
}
/**
 * The other files a COPY/ADD names outright from the context (no glob, not a directory
 * such as `.`): not credentials by name, but one may be read later as a credential by a
 * tool (`COPY hub_login .` then `cat hub_login | xargs huggingface-cli login --token`).
 */
function otherCopies(model, credential) {
    const out = [];
    for (const c of contextCopies(model)) {
        for (const src of c.sources) {
            const name = src.replace(/^\.?\/+/, '');
            if (!name || name === '.' || name === '..' || name.endsWith('/') || /[*?[$]/.test(name) || /^[a-z][a-z0-9+.-]*:\/\//i.test(name))
                continue;
            if (credential.some((x) => x.step === c.step && x.name === name))
                continue;
            out.push({ step: c.step, name, file: destOf(c.step, c.dest, name, c.sources.length > 1) });
        }
    }
    return out;
}
function copiedCredentialFiles(model, copies) {
    return copies.map((c) => {
        const sev = (0,preflight_model/* reachesFinal */.CO)(model, c.step.stage, c.file) ? 'error' : 'warning';
        return {
            rule: 'credential-file-copied',
            severity: sev,
            line: c.step.line,
            message: c.image
                ? `COPY --from=${c.image} takes the credential file ${c.name} into the image${sev === 'error' ? '' : ' (an intermediate stage: its layers keep it)'}; mount it with RUN --mount=type=secret instead`
                : `${c.step.ins.getKeyword()} takes the credential file ${c.name}${c.readBy ? ` (read as a credential by ${c.readBy})` : ''} from the build context into the image${sev === 'error' ? '' : ' (an intermediate stage: its layers keep it)'}; mount it with RUN --mount=type=secret instead, or exclude it in .dockerignore`
        };
    });
}
/** Where a copied context file lands; undefined when not known. */
function destOf(step, dest, rel, many) {
    if (dest === undefined)
        return undefined;
    const to = dest.startsWith('/') ? dest : step.workdir && external_node_path_.posix.resolve(step.workdir, dest);
    if (!to)
        return undefined;
    return dest.endsWith('/') || many || dest === '.' ? external_node_path_.posix.join(to, external_node_path_.posix.basename(rel)) : to;
}
/** secret-files inside the context: sent to the builder unless ignored, and COPY/ADD of them. */
function contextSecretFiles(model, files) {
    const findings = [];
    // An ignored file never reaches the builder, so no COPY can take it in either.
    for (const f of files.filter((file) => !file.ignored)) {
        findings.push({
            rule: 'secret-file-in-context',
            severity: 'warning',
            message: `secret file of "${f.id}" (${f.relPath}) is inside the build context and not excluded by .dockerignore: it is sent to the builder with the context`
        });
        for (const c of contextCopies(model).filter((x) => x.sources.some((src) => (0,dockerignore.sourceCovers)(src, f.relPath)))) {
            findings.push({
                rule: 'secret-file-in-context',
                severity: 'warning',
                line: c.step.line,
                message: `${c.step.ins.getKeyword()} copies the secret file of "${f.id}" (${f.relPath}) into the image`
            });
        }
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/tools.ts
/**
 * Commands that store a credential in a file of their own (a tool's config), rather than
 * through a redirect: `git clone https://$TOKEN@…` keeps the URL in .git/config,
 * `npm config set …_authToken` writes ~/.npmrc, and so on. Each entry says where the
 * tool writes, which of its words must carry the credential, and how the same RUN can
 * undo it.
 */

/** The tool's subcommand words (options dropped) and an option's value (`--x v`, `--x=v`, `-x v`). */
const positional = (ws) => ws.filter((w) => !w.value.startsWith('-'));
function tools_option(ws, ...names) {
    for (let k = 0; k < ws.length; k++) {
        for (const n of names) {
            if (ws[k].value === n)
                return ws[k + 1];
            if (ws[k].value.startsWith(`${n}=`))
                return { ...ws[k], value: ws[k].value.slice(n.length + 1) };
        }
    }
    return undefined;
}
const has = (ws, ...names) => ws.some((w) => names.includes(w.value) || names.some((n) => w.value.startsWith(`${n}=`)));
const at = (dir, file) => (dir === undefined ? undefined : external_node_path_.posix.resolve(dir, file));
/** The command as a tool sees it: `python -m pip …` is pip, `sudo x` is x. */
function toolWords(words) {
    let ws = words;
    if (ws[0] && /^(sudo|env|nice|exec)$/.test(base(ws[0])))
        ws = ws.slice(1).filter((w, k) => k > 0 || !w.value.includes('='));
    if (ws[0] && /^python[0-9.]*$/.test(base(ws[0])) && ws[1]?.value === '-m')
        ws = ws.slice(2);
    return ws;
}
const base = (w) => w.value.split('/').pop() ?? '';
/** The store a command makes, when it is one of the tools below. */
function toolStore(words, where) {
    const ws = toolWords(words);
    if (!ws[0])
        return undefined;
    const name = base(ws[0]);
    const args = ws.slice(1);
    const pos = positional(args).map((w) => w.value);
    const sub = `${pos[0] ?? ''} ${pos[1] ?? ''}`.trim();
    const home = where.home;
    switch (name) {
        case 'git':
            return git(args, where);
        case 'npm':
        case 'pnpm':
            if (!(sub === 'config set' || pos[0] === 'set'))
                return undefined;
            return {
                how: `${name} config set`,
                file: tools_option(args, '--userconfig')?.value ??
                    (has(args, '-g', '--global', '--location=global')
                        ? '/usr/local/etc/npmrc'
                        : has(args, '--location=project') || tools_option(args, '-L')?.value === 'project'
                            ? at(where.cwd, '.npmrc')
                            : at(home, '.npmrc')),
                carriers: args
            };
        case 'yarn':
            if (sub !== 'config set')
                return undefined;
            // Yarn 2+ keys start with npm (npmAuthToken); they go to .yarnrc.yml, of the project unless -H.
            return {
                how: 'yarn config set',
                file: /^npm/.test(pos[2] ?? '') ? at(has(args, '-H', '--home') ? home : where.cwd, '.yarnrc.yml') : at(home, '.yarnrc'),
                carriers: args
            };
        case 'dotnet':
            if (!/^nuget (add|update)$/.test(sub) || !has(args, '-p', '--password'))
                return undefined;
            return {
                how: `dotnet nuget ${pos[1]} source --password`,
                file: tools_option(args, '--configfile')?.value ?? at(home, '.nuget/NuGet/NuGet.Config'),
                carriers: [tools_option(args, '-p', '--password')]
            };
        case 'pip':
        case 'pip3':
            if (sub !== 'config set')
                return undefined;
            return {
                how: 'pip config set',
                file: has(args, '--global') ? '/etc/pip.conf' : has(args, '--site') ? undefined : at(home, '.config/pip/pip.conf'),
                carriers: args
            };
        case 'poetry':
            if (pos[0] !== 'config' || !/^(http-basic|pypi-token)\./.test(pos[1] ?? ''))
                return undefined;
            return { how: 'poetry config', file: has(args, '--local') ? at(where.cwd, 'poetry.toml') : at(home, '.config/pypoetry/auth.toml'), carriers: args };
        case 'composer':
            if (pos[0] !== 'config' || !/^(http-basic|github-oauth|gitlab-token|gitlab-oauth|bitbucket-oauth|bearer)\./.test(pos[1] ?? ''))
                return undefined;
            return { how: 'composer config', file: has(args, '-g', '--global') ? at(home, '.composer/auth.json') : at(where.cwd, 'auth.json'), carriers: args };
        case 'aws':
            if (sub !== 'configure set')
                return undefined;
            return { how: 'aws configure set', file: at(home, '.aws/credentials'), carriers: args };
        case 'bundle':
        case 'bundler':
            if (pos[0] !== 'config')
                return undefined;
            return { how: 'bundle config', file: at(has(args, '--local') ? where.cwd : home, '.bundle/config'), carriers: args };
        case 'cargo':
            if (pos[0] !== 'login')
                return undefined;
            return { how: 'cargo login', file: at(home, '.cargo/credentials.toml'), carriers: args, stdin: true };
        case 'docker':
        case 'podman':
        case 'helm':
        case 'oras':
            if (!(pos[0] === 'login' || sub === 'registry login' || sub === 'repo add'))
                return undefined;
            return {
                how: `${name} ${pos[0] === 'login' ? 'login' : sub}`,
                file: at(home, name === 'helm' ? (pos[0] === 'repo' ? '.config/helm/repositories.yaml' : '.config/helm/registry/config.json') : '.docker/config.json'),
                carriers: args,
                stdin: has(args, '--password-stdin')
            };
        case 'gh':
            if (sub !== 'auth login')
                return undefined;
            return { how: 'gh auth login', file: at(home, '.config/gh/hosts.yml'), carriers: args, stdin: has(args, '--with-token') };
        case 'gcloud':
            if (!/^auth (activate-service-account|login)$/.test(sub))
                return undefined;
            // `--key-file=-` reads the key from standard input (`echo "$KEY" | gcloud auth activate-service-account --key-file=-`).
            return { how: `gcloud ${sub}`, file: at(home, '.config/gcloud'), carriers: args, readsFiles: true, stdin: tools_option(args, '--key-file')?.value === '-' };
        case 'huggingface-cli':
        case 'hf':
            if (!(pos[0] === 'login' || sub === 'auth login'))
                return undefined;
            return { how: `${name} login`, file: at(home, '.cache/huggingface/token'), carriers: args };
        case 'gem':
            if (pos[0] !== 'sources')
                return undefined;
            return { how: 'gem sources', file: at(home, '.gemrc'), carriers: args };
        case 'kubectl':
            if (sub !== 'config set-credentials')
                return undefined;
            return { how: 'kubectl config set-credentials', file: at(home, '.kube/config'), carriers: args };
        case 'mix':
            // Hex keeps organization and repository keys in its config (HEX_HOME, else ~/.hex).
            if (!['hex.organization auth', 'hex.repo add'].includes(sub))
                return undefined;
            return { how: `mix ${sub}`, file: at(home, '.hex/hex.config'), carriers: args };
        case 'go':
            if (sub !== 'env' || !has(args, '-w'))
                return undefined;
            return { how: 'go env -w', file: at(home, '.config/go/env'), carriers: args };
        default:
            return undefined;
    }
}
/** git clone and git remote add keep the URL (with what it embeds) in .git/config; git config writes the file it is told. */
function git(args, where) {
    // `git -C dir …` and `git -c k=v …` come before the subcommand.
    let k = 0;
    let cwd = where.cwd;
    while (args[k]?.value.startsWith('-')) {
        if (args[k].value === '-C')
            cwd = at(cwd, args[k + 1]?.value ?? '.');
        k += ['-C', '-c'].includes(args[k].value) ? 2 : 1;
    }
    const sub = args[k]?.value;
    const rest = args.slice(k + 1);
    if (sub === 'clone') {
        const valued = [
            '-b',
            '--branch',
            '--depth',
            '-o',
            '--origin',
            '-c',
            '--config',
            '--reference',
            '--separate-git-dir',
            '-j',
            '--jobs',
            '-u',
            '--upload-pack',
            '--shallow-since',
            '--shallow-exclude'
        ];
        const pos = rest.filter((w, j) => !w.value.startsWith('-') && !valued.includes(rest[j - 1]?.value ?? ''));
        const url = pos[0];
        if (!url)
            return undefined;
        const dir = pos[1]?.value ?? external_node_path_.posix.basename(url.value.replace(/[#?].*$/, '').replace(/\/+$/, '')).replace(/\.git$/, '');
        return { how: 'git clone', file: at(at(cwd, dir), '.git/config'), carriers: [url] };
    }
    if (sub === 'remote' && rest[0]?.value === 'add' && rest[2])
        return { how: 'git remote add', file: at(cwd, '.git/config'), carriers: [rest[2]] };
    if (sub === 'config' && !has(rest, '--unset', '--unset-all', '--remove-section', '--get', '--get-all', '-l', '--list')) {
        const file = tools_option(rest, '-f', '--file')?.value;
        const where2 = file
            ? at(cwd, file)
            : has(rest, '--global')
                ? at(where.home, '.gitconfig')
                : has(rest, '--system')
                    ? '/etc/gitconfig'
                    : at(cwd, '.git/config');
        return { how: 'git config', file: where2, carriers: rest };
    }
    return undefined;
}
/** A later command of the same RUN that takes the stored credential out again (besides rm of the file). */
function undoes(store, words) {
    const ws = toolWords(words).map((w) => w.value);
    const line = ws.join(' ');
    const tool = store.how.split(' ')[0];
    if (base({ value: ws[0] ?? '', refs: [], subs: [] }) !== tool)
        return false;
    if (tool === 'git')
        return /\bremote (set-url|remove|rm)\b|\bconfig\b.*--(unset|unset-all|remove-section)\b/.test(line);
    return /(^| )(--unset|unset|delete|rm|remove|logout)( |$)/.test(line.slice(ws[0].length));
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/flow.ts
/**
 * Follows credentials through one RUN script: from a secret mount (its file, or its
 * variable with env=), a credential-named ARG/ENV, or a shell variable set from one of
 * these, to a file (a redirect of a command that prints it, tee, cp/mv, sed -i, or a tool
 * that stores it), and from such a file to the next within the RUN (`cat s > /tmp/t && cp
 * /tmp/t /out/`, `cp -r` of a directory holding one). Records whether the same RUN
 * removes the file again.
 */




const isProbe = (s) => s.kind === 'file' && s.probe === true;
/** Options whose value is the credential itself. */
const CREDENTIAL_OPTION = /^(-p|--(token|password|pass|secret|api-?key))$/;
/** xargs options that take a value as the next word. */
const XARGS_VALUED = ['-n', '-I', '-L', '-d', '-P', '-s', '-E', '-a'];
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
function runScript(ins) {
    const text = ins.getArgumentsContent() ?? '';
    if (text.trimStart().startsWith('[')) {
        try {
            const argv = JSON.parse(text);
            const c = argv.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
            return c > 0 && /sh$/.test(argv[0]) ? (argv[c + 1] ?? '') : argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        }
        catch {
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
function flowOf(step, mounts, names, tainted) {
    if (!(step.ins instanceof main.Run))
        return { writes: [], printed: [] };
    const files = new Map();
    const vars = new Map();
    for (const m of mounts.filter((x) => x.type === 'secret' && x.id !== undefined)) {
        if (m.target)
            files.set(m.target, [{ kind: 'secret', id: m.id }]);
        if (m.env)
            vars.set(m.env, [{ kind: 'secret', id: m.id }]);
    }
    const under = (types, file) => file !== undefined && mounts.some((m) => types.includes(m.type) && m.target && (file === m.target || file.startsWith(`${m.target}/`)));
    const flow = new Flow(step, files, tainted, vars, names);
    flow.run(parseScript(runScript(step.ins)));
    return {
        writes: flow.writes.map((w) => ({ ...w, unlayered: under(['tmpfs', 'cache', 'bind'], w.file), cached: under(['cache'], w.file) })),
        printed: dedupe(flow.printed)
    };
}
class Flow {
    step;
    files;
    tainted;
    vars;
    names;
    writes = [];
    stores = [];
    /** Mounted secrets a command prints to the build output (its standard output not redirected or piped on). */
    printed = [];
    /** Files this RUN has written a credential into so far (and not removed). */
    own = new Map();
    cwd;
    constructor(step, 
    /** Secret mounts: named anywhere in a word (`$(cat /run/secrets/x)`). */
    files, 
    /** Files holding a credential already: by their resolved path. */
    tainted, vars, names) {
        this.step = step;
        this.files = files;
        this.tainted = tainted;
        this.vars = vars;
        this.names = names;
        this.cwd = step.workdir;
    }
    run(commands) {
        let piped = [];
        commands.forEach((c, k) => {
            piped = this.command(c, c.piped ? piped : []);
            if (!commands[k + 1]?.piped && printsToLog(c))
                this.printed.push(...piped.filter((x) => x.kind === 'secret'));
        });
    }
    /** What the command prints of a credential; records the writes it makes. */
    command(c, stdinPiped) {
        const ws = toolWords(c.words);
        const name = ws[0] ? base(ws[0]) : '';
        const args = ws.slice(1);
        const reads = READERS.has(name);
        const stdin = [...stdinPiped, ...this.stdinOf(c, name)];
        for (const a of c.assigns.filter(() => ws.length === 0))
            this.vars.set(a.name, this.assigned(a.name, a.word));
        if (name === 'read')
            for (const v of args.filter((w) => /^[A-Za-z_]\w*$/.test(w.value)))
                this.vars.set(v.value, stdin);
        if (name === 'cd')
            this.cwd = this.resolve(args[0]?.value ?? '~');
        if (['rm', 'shred', 'unlink'].includes(name))
            this.removed(args.filter((w) => !w.value.startsWith('-')));
        for (const s of this.stores)
            if (undoes(s.store, c.words))
                s.write.removed = true;
        const argSources = args.flatMap((w) => this.of(w, reads));
        const out = name === 'tee' ? stdin : PRINTERS.has(name) ? [...argSources, ...stdin] : [];
        if (name === 'tee')
            args.filter((w) => !w.value.startsWith('-')).forEach((w) => this.write(w, stdin, 'tee'));
        if (COPIERS.has(name))
            this.copy(args, name);
        if (name === 'dd')
            this.dd(args);
        if (name === 'sed' && args.some((w) => /^-[a-zA-Z]*i/.test(w.value) || w.value.startsWith('--in-place')))
            this.sedInPlace(args);
        this.tool(ws, stdin);
        for (const r of c.redirects) {
            const toStdout = r.fd === undefined || r.fd === '1' || r.op.startsWith('&');
            if (['>', '>>', '>|', '&>', '&>>'].includes(r.op) && toStdout)
                this.write(r.target, out, 'a redirect');
        }
        return out;
    }
    /** Here-doc, here-string and `< file`; envsubst fills in every variable of its input, quoted or not. */
    stdinOf(c, name) {
        const found = [];
        if (c.heredoc) {
            const refs = name === 'envsubst' ? refsIn(c.heredoc.body) : c.heredoc.refs;
            found.push(...refs.flatMap((r) => this.variable(r)), ...c.heredoc.subs.flatMap((s) => this.inText(s)));
        }
        for (const r of c.redirects) {
            if (r.op === '<<<')
                found.push(...this.of(r.target, false));
            if (r.op === '<')
                found.push(...this.of(r.target, true));
        }
        return found;
    }
    /** Credentials a word carries: variables it expands, command substitutions that read a secret file, or (readsFile) a secret file's path. */
    of(w, readsFile) {
        return [...w.refs.flatMap((r) => this.variable(r)), ...w.subs.flatMap((s) => this.inText(s)), ...(readsFile ? this.fileAt(w.value) : [])];
    }
    /**
     * What an assignment puts in a variable. A credential-named one set from a command's
     * output that holds nothing known here (`gitToken=$(cat /gt)`, `TOKEN=$(curl …)`) is
     * taken at its name, as a credential from outside would be; a literal (`TOKEN=dummy`)
     * or an empty value stays clean.
     */
    assigned(name, w) {
        const found = this.of(w, false);
        const known = found.filter((x) => !isProbe(x));
        return known.length || !w.subs.length || !this.names.isCredential(name) ? found : [...found, { kind: 'var', name, declared: true }];
    }
    /** A variable set in the script, a secret's env=, or a credential-named one from outside. */
    variable(name) {
        return this.vars.get(name) ?? (this.names.isCredential(name) ? [{ kind: 'var', name, declared: this.names.declared(name) }] : []);
    }
    inText(script) {
        const mounted = [...this.files].filter(([p]) => script.includes(p)).flatMap(([, s]) => s);
        const earlier = script.split(/\s+/).flatMap((w) => this.held(this.resolve(w)));
        return [...mounted, ...earlier, ...refsIn(script).flatMap((r) => this.variable(r))];
    }
    fileAt(value) {
        const mounted = [...this.files].filter(([p]) => p === this.resolve(value) || value.includes(p)).flatMap(([, s]) => s);
        return [...mounted, ...this.held(this.resolve(value))];
    }
    /** What a file written earlier (by an earlier step, or by this RUN) holds. */
    held(file) {
        return file === undefined ? [] : [...(this.own.get(file) ?? []), ...(this.tainted.get(file) ?? [])];
    }
    /** Credentials in files below a directory: a secret mounted there, or a file written earlier (`cp -r /root/.aws /srv/`). */
    below(dir) {
        const d = this.resolve(dir)?.replace(/(.)\/+$/, '$1');
        if (d === undefined)
            return [];
        const inside = (p) => p.startsWith(d === '/' ? '/' : `${d}/`);
        return [...this.files, ...this.own, ...this.tainted].filter(([p]) => inside(p)).flatMap(([, s]) => s);
    }
    /** cp, mv, install, rsync, scp: the last operand receives what the others hold; mv takes the sources away. */
    copy(args, how) {
        const pos = args.filter((w) => !w.value.startsWith('-'));
        const from = pos.slice(0, -1).flatMap((w) => [...this.fileAt(w.value), ...this.below(w.value)]);
        if (pos.length > 1 && from.length)
            this.write(pos.at(-1), from, how);
        if (how === 'mv')
            this.removed(pos.slice(0, -1));
    }
    dd(args) {
        const opt = (k) => args.find((w) => w.value.startsWith(`${k}=`));
        const inp = opt('if');
        const out = opt('of');
        if (inp && out)
            this.write({ ...out, value: out.value.slice(3) }, this.fileAt(inp.value.slice(3)), 'dd');
    }
    sedInPlace(args) {
        const pos = args.filter((w) => !w.value.startsWith('-'));
        const explicit = args.some((w) => w.value === '-e' || w.value === '--expression');
        const scripts = explicit ? args.filter((_w, k) => ['-e', '--expression'].includes(args[k - 1]?.value ?? '')) : pos.slice(0, 1);
        const sources = scripts.flatMap((w) => this.of(w, false));
        pos.filter((w) => !scripts.includes(w)).forEach((w) => this.write(w, sources, 'sed -i'));
    }
    tool(words, stdin) {
        // `… | xargs tool …`: the tool gets its input as arguments.
        const xargs = words[0] !== undefined && base(words[0]) === 'xargs';
        const ws = xargs ? afterXargs(words) : words;
        const store = toolStore(ws, { cwd: this.cwd, home: this.step.home });
        if (!store)
            return;
        const asCredential = (w) => store.readsFiles === true || CREDENTIAL_OPTION.test(ws[ws.indexOf(w) - 1]?.value ?? '');
        const sources = [
            ...store.carriers.flatMap((w) => this.of(w, store.readsFiles === true).filter((x) => !isProbe(x) || asCredential(w))),
            ...(store.stdin || xargs ? stdin : [])
        ];
        if (!sources.length)
            return;
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
    write(target, all, how) {
        const sources = all.filter((x) => !isProbe(x));
        if (!sources.length || NOT_FILES.test(target.value) || /^&?-?\d*$/.test(target.value))
            return;
        const file = this.resolve(target.value);
        this.writes.push({ step: this.step, file, written: target.value, sources: dedupe(sources), how, removed: false });
        if (file !== undefined)
            this.own.set(file, dedupe([...(this.own.get(file) ?? []), ...sources]));
    }
    removed(targets) {
        for (const t of targets) {
            const gone = this.resolve(t.value);
            for (const p of [...this.own.keys()])
                if (gone !== undefined && (p === gone || p.startsWith(`${gone}/`) || gone === '/'))
                    this.own.delete(p);
            for (const w of this.writes) {
                if (gone !== undefined && w.file !== undefined ? w.file === gone || w.file.startsWith(`${gone}/`) || gone === '/' : t.value === w.written)
                    w.removed = true;
            }
        }
    }
    /** An absolute path: `~` and $HOME are the step's home, relative paths start at the current directory. */
    resolve(p) {
        const home = this.step.home;
        const v = p.replace(/^~(?=\/|$)/, home ?? '~').replace(/^\$\{?HOME\}?(?=\/|$)/, home ?? '$HOME');
        if (/[$`~]/.test(v))
            return undefined;
        if (v.startsWith('/'))
            return external_node_path_.posix.normalize(v);
        return this.cwd === undefined ? undefined : external_node_path_.posix.resolve(this.cwd, v);
    }
}
/** Options that keep a printer quiet: `grep -q`, `sed -i`. */
const QUIET = {
    grep: /^(-[a-zA-Z]*[qclL]|--(quiet|silent|count|files-with(out)?-matches))$/,
    sed: /^(-[a-zA-Z]*i|--in-place)/
};
/** `xargs [options] tool …`: the words from the tool on. */
function afterXargs(words) {
    let k = 1;
    while (words[k]?.value.startsWith('-'))
        k += XARGS_VALUED.includes(words[k].value) ? 2 : 1;
    return words.slice(k);
}
/** The command's output goes to the build log: a printer, standard output not redirected to a file. */
function printsToLog(c) {
    const ws = toolWords(c.words);
    const name = ws[0] ? base(ws[0]) : '';
    if (!PRINTERS.has(name) || (QUIET[name] && ws.some((w) => QUIET[name].test(w.value))))
        return false;
    return !c.redirects.some((r) => {
        const toStdout = r.fd === undefined || r.fd === '1' || r.op.startsWith('&');
        const toLog = /^&?-?\d*$/.test(r.target.value) || /^\/(dev\/(stdout|stderr|fd\/[12])|proc\/self\/fd\/[12])$/.test(r.target.value);
        return ['>', '>>', '>|', '&>', '&>>'].includes(r.op) && toStdout && !toLog;
    });
}
function dedupe(sources) {
    const key = (s) => (s.kind === 'secret' ? `s:${s.id}` : `${s.kind}:${s.name}`);
    return [...new Map(sources.map((s) => [key(s), s])).values()];
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/leaks.ts
/**
 * Credentials written into a file by a RUN step (see flow.ts), by how far the file gets:
 * removed in the same RUN or under a tmpfs/bind mount → notice; in the final image
 * (its stage, a stage it derives from, or COPY --from chains) → error; only in an
 * intermediate stage (build cache, a cache export) or under a cache mount (the builder
 * keeps it for later builds) → warning. An ONBUILD trigger writes in the builds FROM
 * this image, not in this one: a warning about those images. A credential-named variable
 * nothing in the Dockerfile declares expands to nothing or to the base image's value: a
 * warning.
 * A file written (and not removed) or a credential file copied in stays tainted for the
 * later steps of its stage and of the stages derived from it: reading it is reading the
 * credential (`gh auth login --with-token < .env`).
 */


/** The findings, and the files of `ctx.others` a tool read as a credential (credential copies, then). */
function writtenCredentials(model, ctx) {
    const taint = new Map();
    const findings = [];
    const readAsCredential = [];
    for (const step of model.steps) {
        if (!taint.has(step.stage))
            taint.set(step.stage, new Map(step.stage.base ? taint.get(step.stage.base) : []));
        const tainted = taint.get(step.stage);
        for (const c of ctx.others.filter((x) => x.step === step && x.file))
            tainted.set(c.file, [{ kind: 'file', name: c.name, probe: true }]);
        for (const c of ctx.copied.filter((x) => x.step === step && x.file))
            tainted.set(c.file, [{ kind: 'file', name: c.name }]);
        const { writes: all, printed } = flowOf(step, ctx.mounts.get(step) ?? [], ctx.names, tainted);
        const writes = merged(all);
        if (printed.length)
            findings.push(printFinding(step, printed));
        for (const w of writes) {
            for (const s of w.sources.filter((x) => x.kind === 'file' && x.probe)) {
                const copy = ctx.others.find((c) => c.name === s.name);
                if (copy && !readAsCredential.some((c) => c.step === copy.step && c.name === copy.name))
                    readAsCredential.push({ ...copy, readBy: w.how });
            }
            findings.push(finding(model, w));
            if (w.file && !w.removed && !w.unlayered && !step.onbuild)
                tainted.set(w.file, w.sources);
        }
    }
    return { findings, readAsCredential };
}
/** One write per file and tool in a step (`echo A >> .env && echo B >> .env` is one cause). */
function merged(writes) {
    const byKey = new Map();
    for (const w of writes) {
        const key = `${w.written}\0${w.how}`;
        const seen = byKey.get(key);
        if (!seen)
            byKey.set(key, { ...w });
        else {
            seen.sources = [...seen.sources, ...w.sources.filter((s) => !seen.sources.some((t) => JSON.stringify(t) === JSON.stringify(s)))];
            seen.removed = seen.removed && w.removed;
        }
    }
    return [...byKey.values()];
}
/** Why a write is as bad as it is, its severity first. */
function weigh(model, w) {
    if (w.removed)
        return { severity: 'notice', why: WHY.notice };
    if (w.cached)
        return { severity: 'warning', why: CACHED };
    if (w.unlayered)
        return { severity: 'notice', why: WHY.notice };
    if (w.step.onbuild)
        return { severity: 'warning', why: CHILDREN };
    const undeclared = w.sources.flatMap((s) => (s.kind === 'var' && !s.declared ? [s.name] : []));
    if (undeclared.length === w.sources.length) {
        return {
            severity: 'warning',
            why: `no ARG or ENV of the Dockerfile declares ${undeclared.join(', ')}, so it expands to nothing or to what the base image's config holds`
        };
    }
    const severity = (0,preflight_model/* reachesFinal */.CO)(model, w.step.stage, w.file) ? 'error' : 'warning';
    return { severity, why: WHY[severity] };
}
const what = (s) => s.kind === 'secret'
    ? `the mounted secret "${s.id}"`
    : s.kind === 'var'
        ? `${s.name} (a credential-named variable)`
        : `the ${s.probe ? 'file' : 'credential file'} ${s.name}${s.probe ? ' (read as a credential)' : ''}`;
const WHY = {
    error: 'it ends up in the final image',
    warning: 'the layer keeps it (build cache, intermediate stage); no COPY --from takes it into the final image',
    notice: 'the same RUN removes it (or it is on a tmpfs/bind mount), so the layer does not keep it'
};
const CACHED = 'it is on a cache mount: the builder keeps it for every later build that mounts the same cache';
const CHILDREN = 'an ONBUILD trigger runs in the builds FROM this image, so it would end up in those images, not in this one';
const leaks_ONBUILD = 'ONBUILD ';
/** A mounted secret printed to the build output: the action masks its own log, not the builder's record of the build. */
function printFinding(step, printed) {
    return {
        rule: 'secret-printed',
        severity: 'warning',
        line: step.line,
        message: `${step.onbuild ? `${leaks_ONBUILD}(in the builds FROM this image) ` : ''}RUN prints ${printed.map(what).join(' and ')} to the build output: the action masks it in its own log, but the builder keeps the raw log with the build record (docker buildx history); don't print secrets`
    };
}
function finding(model, w) {
    const { severity, why } = weigh(model, w);
    const where = w.how === 'a redirect' || w.how === 'tee' ? w.written : `${w.written}, by ${w.how}`;
    return {
        rule: ruleOf(w),
        severity,
        line: w.step.line,
        message: `${w.step.onbuild ? leaks_ONBUILD : ''}RUN writes ${w.sources.map(what).join(' and ')} into ${where}: ${why}`,
        ...(w.cached && !w.removed ? { cacheMount: true } : {})
    };
}
function ruleOf(w) {
    if (w.byTool)
        return 'token-stored-by-tool';
    return w.sources.some((s) => s.kind === 'secret') ? 'secret-written' : 'credential-written';
}

// EXTERNAL MODULE: ./src/leak-guard/preflight/mounts.ts
var preflight_mounts = __webpack_require__(781);
// EXTERNAL MODULE: ./src/leak-guard/preflight/rules.ts
var rules = __webpack_require__(1360);
;// CONCATENATED MODULE: ./src/leak-guard/preflight/ignore.ts
/**
 * Silencing a rule, as hadolint's `# hadolint ignore=DL3008` and BuildKit's `# check=skip=`
 * do: `# secret-build:ignore=<rule>[,<rule>…]` in the comment lines right above an
 * instruction silences those rules on that instruction; the preflight-ignore input does for
 * the run. A silenced finding is kept, marked, and listed in the summary: never dropped.
 */


const PRAGMA = /^\s*#\s*secret-build:\s*ignore=([^\s#]+)/i;
/** The rules silenced on each instruction's first line (1-based), by its comments. */
function ignoredByComment(model, text) {
    const lines = text.split(/\r?\n/);
    const byLine = new Map();
    for (const ins of model.instructions) {
        const line = (0,preflight_model/* lineOf */.cA)(ins);
        const ids = new Set();
        // The comment block right above the instruction (blank lines end it, as hadolint reads it).
        for (let k = line - 2; k >= 0 && /^\s*#/.test(lines[k]); k--) {
            const m = PRAGMA.exec(lines[k]);
            for (const id of m ? m[1].split(',') : [])
                if ((0,rules/* isRuleId */.KX)(id.trim()))
                    ids.add(id.trim());
        }
        if (ids.size)
            byLine.set(line, ids);
    }
    return byLine;
}
/** The findings, each marked when a comment or the run silences its rule. */
function markIgnored(findings, byComment, forRun = []) {
    const run = new Set(forRun);
    return findings.map((f) => {
        if (f.line !== undefined && byComment.get(f.line)?.has(f.rule))
            return { ...f, ignored: 'comment' };
        return run.has(f.rule) ? { ...f, ignored: 'input' } : f;
    });
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/plumbing.ts
/**
 * Secret plumbing that fails quietly: the build passes, the step runs without the secret.
 * - A secret mounted with `env=` and no `target` is no file (BuildKit mounts the file only
 *   when a target is set or env= is absent), yet the command reads /run/secrets/<id>.
 * - `export TOKEN=$(cat /run/secrets/t)` as a RUN of its own: each RUN is its own shell,
 *   so the variable is gone in the next one.
 */




function brokenPlumbing(steps, mountsOf) {
    return steps
        .filter((s) => s.ins instanceof main.Run)
        .flatMap((step) => {
        const mounts = mountsOf(step).filter((m) => m.type === 'secret' && m.id !== undefined && !m.error);
        const script = runScript(step.ins);
        return [...envWithoutFile(step, mounts, script), ...exportOnly(step, mounts, script)];
    });
}
function envWithoutFile(step, mounts, script) {
    const files = new Set(mounts.flatMap((m) => (m.target ? [m.target] : [])));
    return mounts
        .filter((m) => m.env && !m.target)
        .map((m) => ({ m, file: (0,preflight_mounts/* secretFile */.pb)(m.id) }))
        .filter(({ file }) => !files.has(file) && new RegExp(`${(0,preflight_mounts/* escapeRegExp */.Nt)(file)}(?![\\w.-])`).test(script))
        .map(({ m, file }) => ({
        rule: 'secret-env-without-file',
        severity: 'warning',
        line: step.line,
        message: `${step.onbuild ? 'ONBUILD ' : ''}RUN mounts secret "${m.id}" as the variable ${m.env} only (env= without target=), but reads ${file}: BuildKit mounts no file then, so the command reads nothing; read $${m.env}, or add target=${file}`
    }));
}
function exportOnly(step, mounts, script) {
    // parseScript reads `export A=b` (and declare, readonly …) as assignments: a RUN of nothing else only sets variables.
    const commands = parseScript(script);
    if (!commands.length || !commands.every((c) => c.words.length === 0 && c.assigns.length > 0))
        return [];
    const words = commands.flatMap((c) => c.assigns.map((a) => a.word));
    // The variables each value expands, as the shell reader found them (flow.ts reads them so too).
    const used = mounts.filter((m) => words.some((w) => (m.target !== undefined && w.value.includes(m.target)) || (m.env !== undefined && w.refs.includes(m.env))));
    if (!used.length)
        return [];
    return [
        {
            rule: 'export-in-own-run',
            severity: 'warning',
            line: step.line,
            message: `${step.onbuild ? 'ONBUILD ' : ''}RUN only sets variables from ${[...new Set(used.map((m) => `secret "${m.id}"`))].join(' and ')}: every RUN is a shell of its own, so they are gone in the next RUN (and that RUN has no secret mounted); mount the secret in the RUN that needs it and read it there`
        }
    ];
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/secrets.ts
/** A mount BuildKit refuses fails the build; in an ONBUILD trigger it fails the builds that use the image. */
function invalidMounts(mounts) {
    return mounts
        .filter((m) => m.error)
        .map((m) => ({
        rule: 'invalid-mount',
        severity: m.step.onbuild ? 'warning' : 'error',
        line: m.step.line,
        message: `${m.step.onbuild ? 'ONBUILD ' : ''}RUN --mount is invalid, BuildKit refuses it: ${m.error}`
    }));
}
/** Whether a mount can use the given id (an id built from an unknown variable matches by pattern). */
const uses = (m, id) => m.id === id || (m.id === undefined && m.idPattern?.test(id) === true);
function secretIds(mounts, input) {
    const secrets = mounts.filter((m) => m.type === 'secret' && !m.error);
    const provided = new Set(input.providedIds);
    const findings = [];
    // ONBUILD triggers mount in the builds that use the image: not a missing id here.
    for (const m of secrets.filter((x) => !x.step.onbuild && x.id !== undefined && !provided.has(x.id))) {
        const required = secrets.some((x) => x.id === m.id && x.required);
        if (!required && input.allowMissingOptional)
            continue;
        findings.push({
            rule: 'secret-not-given',
            severity: 'error',
            line: m.step.line,
            message: `the Dockerfile mounts secret "${m.id}" but the action was not given it (given: ${input.providedIds.join(', ') || 'none'}).` +
                (required ? '' : ' The mount is optional; set allow-missing-optional-secrets: true if the step is meant to run without it.')
        });
    }
    for (const id of input.providedIds.filter((p) => !secrets.some((m) => uses(m, p)))) {
        findings.push({
            rule: 'secret-unused',
            severity: 'warning',
            message: `secret "${id}" is given but no RUN --mount=type=secret uses it: drop it (least privilege)`
        });
    }
    return findings;
}
/** SSH ids mounted but not given (an error when required, a warning otherwise) and given but never mounted (least privilege). */
function sshIds(mounts, provided) {
    const ssh = mounts.filter((m) => m.type === 'ssh' && !m.error);
    const findings = [];
    for (const m of ssh.filter((x) => !x.step.onbuild && x.id !== undefined && !provided.includes(x.id))) {
        const required = ssh.some((x) => x.id === m.id && x.required);
        findings.push({
            rule: 'ssh-not-given',
            severity: required ? 'error' : 'warning',
            line: m.step.line,
            message: `RUN --mount=type=ssh uses ssh id "${m.id}" but the build is given no such key or agent (given: ${provided.join(', ') || 'none'}); add it to ssh or ssh-secrets`
        });
    }
    for (const id of provided.filter((p) => !ssh.some((m) => uses(m, p)))) {
        findings.push({
            rule: 'ssh-unused',
            severity: 'warning',
            message: `ssh id "${id}" is given but no RUN --mount=type=ssh uses it: drop it (least privilege)`
        });
    }
    return findings;
}

;// CONCATENATED MODULE: ./src/leak-guard/preflight/index.ts
/**
 * Checks a Dockerfile against the secrets the action was given, before buildx runs.
 * Parsed with dockerfile-ast (continuation lines, here-docs, stages); mounts read with
 * BuildKit's rules (mounts.ts); RUN scripts followed with a small shell reader
 * (shell.ts, flow.ts). Pure: returns findings; reporting is the caller's. Each finding
 * names its rule (rules.ts) and is reported on each line it is on; one silenced by a
 * comment or the run is kept, marked (ignore.ts).
 */













function preflight(input) {
    const model = (0,preflight_model/* buildModel */.yK)(input.dockerfile, input.buildArgs, input.target);
    const byStep = new Map(model.steps.map((s) => [s, (0,preflight_mounts/* mountsOf */.cS)(s)]));
    const mounts = [...byStep.values()].flat();
    const ids = new Set([...input.providedIds, ...mounts.flatMap((m) => (m.type === 'secret' && m.id ? [m.id] : []))]);
    const holders = nameHolders(model, ids);
    const isCredential = (name) => looksLikeCredential(name) && !holders.has(name);
    const copies = [...credentialCopies(model, input), ...imageCopies(model)];
    const declared = declaredNames(model);
    const names = { isCredential, declared: (name) => declared.has(name) };
    const written = writtenCredentials(model, { mounts: byStep, names, copied: copies, others: otherCopies(model, copies) });
    const findings = distinct([
        ...secretValues(model, input),
        ...invalidMounts(mounts),
        ...secretIds(mounts, input),
        ...(input.providedSshIds ? sshIds(mounts, input.providedSshIds) : []),
        ...credentialNames(model, isCredential),
        ...written.findings,
        ...copiedCredentialFiles(model, [...copies, ...written.readAsCredential]),
        ...contextSecretFiles(model, input.contextSecretFiles),
        ...brokenPlumbing(model.steps, (s) => byStep.get(s) ?? [])
    ]);
    return markIgnored(findings, ignoredByComment(model, input.dockerfile), input.ignoreRules);
}
/** Each finding once: the same rule, severity and message on the same line is one (two writes of one RUN to one file). */
function distinct(findings) {
    return [...new Map(findings.map((f) => [`${f.rule}\0${f.severity}\0${f.line ?? ''}\0${f.message}`, f])).values()];
}


/***/ }),

/***/ 5418:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CO: () => (/* binding */ reachesFinal),
/* harmony export */   Hp: () => (/* binding */ copyArgs),
/* harmony export */   ZR: () => (/* binding */ inFinalChain),
/* harmony export */   _n: () => (/* binding */ unquote),
/* harmony export */   _x: () => (/* binding */ copyFromStage),
/* harmony export */   c7: () => (/* binding */ copyFrom),
/* harmony export */   cA: () => (/* binding */ lineOf),
/* harmony export */   fT: () => (/* binding */ expand),
/* harmony export */   iy: () => (/* binding */ argDecls),
/* harmony export */   yK: () => (/* binding */ buildModel)
/* harmony export */ });
/* unused harmony export covers */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8390);
/**
 * The Dockerfile as BuildKit builds it: stages, the ARG/ENV values known at each
 * instruction, the working directory and home, and which files of a stage end up in
 * the final image (the stage itself, a stage derived from it, or COPY --from chains).
 */


/** BuildKit's automatic platform args: set by the builder, unknown here. */
const AUTOMATIC_ARGS = /^(TARGET|BUILD)(PLATFORM|OS|ARCH|VARIANT)$/;
const lineOf = (ins) => ins.getRange().start.line + 1;
function buildModel(dockerfile, buildArgs, target) {
    const parsed = dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.DockerfileParser.parse(dockerfile);
    const instructions = parsed.getInstructions();
    const meta = new Map();
    const stages = [];
    const steps = [];
    const metaArgs = [];
    // Per stage, its state so far (at its end, for the stages derived from it).
    const states = new Map();
    let cur;
    for (const ins of instructions) {
        if (ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.From) {
            const baseName = expand(ins.getImageName() ?? '', meta)?.toLowerCase();
            const base = stages.find((s) => s.name !== undefined && s.name === baseName);
            const stage = { index: stages.length, name: ins.getBuildStage()?.toLowerCase() ?? undefined, base, steps: [] };
            stages.push(stage);
            const baseState = base && states.get(base);
            // A stage inherits its base stage's ENV, working directory and user; ARGs are per stage.
            const env = new Map(baseState?.env ?? []);
            cur = { stage, vars: new Map(env), env, workdir: baseState ? baseState.workdir : '/', user: baseState?.user };
            states.set(stage, cur);
            continue;
        }
        if (!cur) {
            if (ins.getKeyword() !== 'ARG')
                continue;
            metaArgs.push(ins);
            for (const a of argDecls(ins))
                meta.set(a.name, argValue(a, meta, meta, buildArgs));
            continue;
        }
        const at = cur;
        if (ins.getKeyword() === 'ARG')
            for (const a of argDecls(ins))
                at.vars.set(a.name, argValue(a, at.vars, meta, buildArgs));
        if (ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Env) {
            for (const p of ins.getProperties()) {
                const v = expand(unquote(p.getValue() ?? ''), at.vars);
                at.vars.set(p.getName(), v);
                at.env.set(p.getName(), v);
            }
        }
        if (ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Workdir) {
            // BuildKit's lexer takes the quotes off (`WORKDIR "/app"` is /app), as for ENV.
            const w = expand(unquote(ins.getArgumentsContent() ?? ''), at.vars);
            at.workdir = w === undefined || at.workdir === undefined ? undefined : node_path__WEBPACK_IMPORTED_MODULE_0__.posix.resolve(at.workdir, w);
        }
        if (ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.User)
            at.user = expand(unquote(ins.getArgumentsContent() ?? '').split(':')[0], at.vars);
        const home = at.vars.get('HOME') ?? (at.user === undefined || at.user === 'root' || at.user === '0' ? '/root' : `/home/${at.user}`);
        const step = { ins, line: lineOf(ins), stage: at.stage, onbuild: false, vars: new Map(at.vars), workdir: at.workdir, home };
        steps.push(step);
        at.stage.steps.push(step);
        if (ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Onbuild) {
            const trigger = ins.getTriggerInstruction();
            if (trigger) {
                const t = { ...step, ins: trigger, onbuild: true };
                steps.push(t);
                at.stage.steps.push(t);
            }
        }
    }
    const wanted = target?.toLowerCase();
    const final = wanted ? (stages.find((s) => s.name === wanted) ?? stages.at(-1)) : stages.at(-1);
    return { instructions, escape: parsed.getEscapeCharacter(), meta: metaArgs, stages, steps, final };
}
/** `ARG a b=2 c`: every name (dockerfile-ast 0.7 reads only the first of several). */
function argDecls(ins) {
    return shellWords(ins.getArgumentsContent() ?? '').map((w) => {
        const eq = w.indexOf('=');
        return eq === -1 ? { name: w } : { name: w.slice(0, eq), value: unquote(w.slice(eq + 1)) };
    });
}
/**
 * BuildKit: a build-arg wins over the default; a stage ARG without default takes the global
 * one; no value at all is empty, but only when the build-args are known (else unknown).
 */
function argValue(a, vars, meta, buildArgs) {
    if (AUTOMATIC_ARGS.test(a.name))
        return undefined;
    if (buildArgs && Object.hasOwn(buildArgs, a.name))
        return buildArgs[a.name];
    if (a.value !== undefined)
        return expand(a.value, vars);
    if (meta !== vars && meta.has(a.name))
        return meta.get(a.name);
    return buildArgs ? '' : undefined;
}
/** Words of an ARG line, split on blanks outside quotes. */
function shellWords(text) {
    return text.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'[^']*')+/g) ?? [];
}
function unquote(s) {
    return s.replace(/"((?:\\.|[^"\\])*)"|'([^']*)'/g, (_m, dq, sq) => sq ?? dq.replace(/\\(.)/g, '$1'));
}
/**
 * Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}` and `${X+a}` as BuildKit's shell
 * lexer does. Undefined when a variable's value is not known here.
 */
function expand(text, vars) {
    let unknown = false;
    const out = text.replace(/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, n1, op, word, n2) => {
        if (m === '\\$')
            return '$';
        const name = (n1 ?? n2);
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
        if (op?.endsWith('-'))
            return empty ? (word ?? '') : v;
        if (op?.endsWith('+'))
            return empty ? '' : (word ?? '');
        return v ?? '';
    });
    return unknown ? undefined : out;
}
/** The value of a COPY's (or ADD's) `--from` flag as written, '' when it has none; undefined without the flag. */
function copyFrom(ins) {
    if (!(ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Copy || ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Add))
        return undefined;
    const flag = ins.getFlags().find((f) => f.getName().toLowerCase() === 'from');
    return flag ? (flag.getValue() ?? '') : undefined;
}
/** `COPY --from=<stage>`: the stage it copies from, by name or index; undefined for an image or a build context. */
function copyFromStage(model, step) {
    if (!(step.ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Copy))
        return undefined;
    const raw = copyFrom(step.ins);
    if (!raw)
        return undefined;
    const from = expand(unquote(raw), step.vars)?.toLowerCase();
    if (from === undefined)
        return undefined;
    const earlier = model.stages.filter((s) => s.index < step.stage.index);
    return earlier.find((s) => s.name === from) ?? (/^\d+$/.test(from) ? earlier[Number(from)] : undefined);
}
/** COPY/ADD sources and destination, in shell or JSON form, without flags. */
function copyArgs(ins) {
    // dockerfile-ast leaves the flags out of getArguments; the JSON form has its own strings.
    const json = ins.getJSONStrings?.() ?? [];
    const words = json.length ? json.map((s) => s.getJSONValue()) : ins.getArguments().map((a) => unquote(a.getValue()));
    if (words.length < 2)
        return undefined;
    return { sources: words.slice(0, -1), dest: words.at(-1) };
}
const ancestors = (s) => (s ? [s, ...ancestors(s.base)] : []);
/** The final stage is this stage or derives from it (FROM <stage>). */
const inFinalChain = (model, stage) => ancestors(model.final).includes(stage);
/**
 * Whether a file at `file` (absolute; undefined: not known) in `stage` ends up in the final
 * image: the final stage is the stage or derives from it, or a COPY --from of the stage
 * (in any stage that reaches the final image) copies a path that covers it. Conservative:
 * an unknown path, source or destination counts as covered.
 */
function reachesFinal(model, stage, file, depth = 0) {
    if (inFinalChain(model, stage))
        return true;
    if (depth > model.stages.length)
        return false;
    for (const step of model.steps) {
        if (step.onbuild || copyFromStage(model, step) !== stage)
            continue;
        const args = copyArgs(step.ins);
        if (!args)
            continue;
        for (const src of args.sources) {
            const s = expand(src, step.vars);
            if (s !== undefined && file !== undefined && !covers(node_path__WEBPACK_IMPORTED_MODULE_0__.posix.resolve('/', s), file))
                continue;
            const dest = mapDest(s === undefined ? undefined : node_path__WEBPACK_IMPORTED_MODULE_0__.posix.resolve('/', s), file, expand(args.dest, step.vars), step.workdir, args.sources.length > 1);
            if (reachesFinal(model, step.stage, dest, depth + 1))
                return true;
        }
    }
    return false;
}
const GLOB = /[*?[]/;
/** Whether the source path (a file, a directory or a glob) takes in `file`. */
function covers(src, file) {
    if (src === '/')
        return true;
    if (!GLOB.test(src))
        return file === src || file.startsWith(`${src}/`);
    const re = globRegex(src);
    const parts = file.split('/');
    return parts.some((_p, k) => re.test(parts.slice(0, k + 1).join('/')));
}
function globRegex(glob) {
    const body = glob
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]');
    return new RegExp(`^${body}$`);
}
function mapDest(src, file, dest, workdir, many) {
    if (src === undefined || file === undefined || dest === undefined || GLOB.test(src))
        return undefined;
    const to = dest.startsWith('/') ? dest : workdir === undefined ? undefined : node_path__WEBPACK_IMPORTED_MODULE_0__.posix.resolve(workdir, dest);
    if (to === undefined)
        return undefined;
    if (file === src)
        return dest.endsWith('/') || many ? node_path__WEBPACK_IMPORTED_MODULE_0__.posix.join(to, node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(file)) : to;
    return node_path__WEBPACK_IMPORTED_MODULE_0__.posix.join(to, file.slice(src === '/' ? 0 : src.length));
}


/***/ }),

/***/ 781:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Nt: () => (/* binding */ escapeRegExp),
/* harmony export */   cS: () => (/* binding */ mountsOf),
/* harmony export */   pb: () => (/* binding */ secretFile)
/* harmony export */ });
/* unused harmony exports flagWord, csvFields */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8390);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5418);
/**
 * `RUN --mount=…` parsed with BuildKit's rules, so the preflight sees the ids BuildKit
 * will ask for. Follows moby/buildkit frontend/dockerfile: parser/split_command.go
 * (extractBuilderFlags: quotes and escapes of the flag word), instructions/
 * commands_runmount.go (parseMount: CSV fields, lower-cased keys, aliases, ParseBool,
 * validation) and dockerfile2llb/convert_secrets.go, convert_ssh.go (the default id and
 * target).
 */



const TYPES = ['bind', 'cache', 'tmpfs', 'secret', 'ssh'];
const SHARING = ['shared', 'private', 'locked'];
const KEYS = ['type', 'from', 'source', 'src', 'target', 'dst', 'destination', 'readonly', 'ro', 'readwrite', 'rw', 'id', 'sharing', 'required'];
const KEYS_MORE = ['size', 'mode', 'uid', 'gid', 'env'];
const ALIASES = { src: 'source', dst: 'target', destination: 'target' };
/** Every `--mount` of a RUN step (ONBUILD triggers included), secret and ssh ids resolved. */
function mountsOf(step) {
    if (!(step.ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Run))
        return [];
    return step.ins
        .getFlags()
        .filter((f) => f.getName() === 'mount')
        .map((f) => {
        const value = f.getValue();
        // `RUN --mount type=secret,…` (a blank, not `=`): BuildKit's flag parser refuses it with this message.
        if (value === null)
            return { step, type: 'bind', required: false, error: 'missing a value on flag: --mount' };
        return parseMount(flagWord(value), step);
    });
}
/** extractBuilderFlags: quotes are removed and the escape character takes the next character literally. */
function flagWord(raw) {
    let out = '';
    let quote = '';
    for (let k = 0; k < raw.length; k++) {
        const ch = raw[k];
        if (quote && ch === quote)
            quote = '';
        else if (!quote && (ch === '"' || ch === "'"))
            quote = ch;
        else if (ch === '\\')
            out += raw[++k] ?? '';
        else
            out += ch;
    }
    return out;
}
/** encoding/csv (what go-csvvalue follows): `"…"` fields with `""` for a quote; a bare quote elsewhere is an error. */
function csvFields(text) {
    const fields = [];
    let k = 0;
    for (;;) {
        let field = '';
        if (text[k] === '"') {
            for (k++;; k++) {
                if (k >= text.length)
                    throw new Error('extraneous or missing " in quoted-field');
                if (text[k] === '"' && text[k + 1] === '"')
                    field += text[++k];
                else if (text[k] === '"')
                    break;
                else
                    field += text[k];
            }
            k++;
            if (k < text.length && text[k] !== ',')
                throw new Error('extraneous or missing " in quoted-field');
        }
        else {
            const end = text.indexOf(',', k);
            field = text.slice(k, end === -1 ? text.length : end);
            if (field.includes('"'))
                throw new Error('bare " in non-quoted-field');
            k = end === -1 ? text.length : end;
        }
        fields.push(field);
        if (k >= text.length)
            return fields;
        k++;
    }
}
/** Go's strconv.ParseBool. */
function parseBool(v) {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v))
        return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v))
        return false;
    return undefined;
}
function parseMount(word, step) {
    const invalid = (error) => ({ step, type: 'bind', required: false, error });
    let m;
    try {
        m = parseFields(csvFields(word), step);
    }
    catch (e) {
        return invalid(e.message);
    }
    const error = validate(m);
    if (error)
        return { ...invalid(error), type: m.type };
    return resolve(m, step);
}
function parseFields(fields, step) {
    const m = { type: 'bind', required: false, fileInfo: [], unknown: new Set() };
    for (const field of fields) {
        const eq = field.indexOf('=');
        const key = (eq === -1 ? field : field.slice(0, eq)).toLowerCase();
        if (eq === -1) {
            // Flags without a value; `required` only once the type is secret or ssh (BuildKit reads the fields in order).
            if (['readonly', 'ro', 'readwrite', 'rw'].includes(key))
                continue;
            if (key === 'required' && (m.type === 'secret' || m.type === 'ssh'))
                m.required = true;
            else if (key === 'required')
                throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
            else
                throw new Error(`invalid field '${field}' must be a key=value pair`);
            continue;
        }
        const raw = field.slice(eq + 1);
        const expanded = (0,_model_js__WEBPACK_IMPORTED_MODULE_2__/* .expand */ .fT)(raw, step.vars);
        if (expanded === undefined)
            m.unknown.add(ALIASES[key] ?? key);
        const value = expanded ?? raw;
        setKey(m, key, value, field);
    }
    return m;
}
function setKey(m, key, value, field) {
    const known = !m.unknown.has(ALIASES[key] ?? key);
    const bool = () => {
        if (known && parseBool(value) === undefined)
            throw new Error(`invalid value for ${key}: ${value}`);
        return parseBool(value) ?? false;
    };
    switch (key) {
        case 'type':
            if (known && !TYPES.includes(value.toLowerCase()))
                throw new Error(`unsupported mount type "${value}"`);
            m.type = value.toLowerCase();
            return;
        case 'from':
            m.from = value;
            return;
        case 'source':
        case 'src':
            m.source = value;
            return;
        case 'target':
        case 'dst':
        case 'destination':
            m.target = value;
            return;
        case 'readonly':
        case 'ro':
        case 'readwrite':
        case 'rw':
            bool();
            return;
        case 'required':
            if (m.type !== 'secret' && m.type !== 'ssh')
                throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
            m.required = bool();
            return;
        case 'size':
            if (m.type !== 'tmpfs')
                throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
            return;
        case 'id':
            m.id = value;
            return;
        case 'sharing':
            if (known && !SHARING.includes(value.toLowerCase()))
                throw new Error(`unsupported sharing value "${value}"`);
            m.sharing = value;
            return;
        case 'mode':
        case 'uid':
        case 'gid':
            if (known && !(key === 'mode' ? /^[0-7]+$/ : /^\d+$/).test(value))
                throw new Error(`invalid value ${value} for ${key}`);
            m.fileInfo.push(key);
            return;
        case 'env':
            m.env = value;
            return;
        default:
            if (!KEYS.includes(key) && !KEYS_MORE.includes(key))
                throw new Error(`unexpected key '${key}' in '${field}'`);
    }
}
/** parseMount's checks after the fields (in its order), and dispatchSSH's. */
function validate(m) {
    if (!['secret', 'ssh', 'cache'].includes(m.type) && m.fileInfo.length)
        return `${m.fileInfo[0]} not allowed for "${m.type}" type mounts`;
    if (m.type === 'secret') {
        if (m.from)
            return 'secret mount should not have a from';
        if (m.sharing)
            return 'secret mount should not define sharing';
        if (!m.source && !m.target && !m.id)
            return 'invalid secret mount. one of source, target required';
        if (m.source && m.id)
            return "both source and id can't be set";
    }
    if (m.sharing && m.type !== 'cache')
        return `invalid cache sharing set for ${m.type} mount`;
    if (m.type === 'ssh' && m.source)
        return 'ssh does not support source';
    return undefined;
}
/** dispatchSecret: id = source, else id, else basename(target); the file goes to target, else /run/secrets/<id>, unless env= is set without a target. */
function resolve(m, step) {
    const base = { step, type: m.type, required: m.required };
    if (m.type === 'ssh')
        return { ...base, ...idOf(m, m.id ? 'id' : undefined, m.id || 'default'), target: m.target };
    if (m.type !== 'secret')
        return { ...base, target: m.unknown.has('target') ? undefined : m.target && node_path__WEBPACK_IMPORTED_MODULE_0__.posix.resolve(step.workdir ?? '/', m.target) };
    const key = m.source ? 'source' : m.id ? 'id' : 'target';
    const id = m.source || m.id || node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(m.target);
    const resolved = idOf(m, key, id);
    const target = m.target ?? (m.env === undefined && resolved.id !== undefined ? secretFile(resolved.id) : undefined);
    return { ...base, ...resolved, env: m.env === '' ? resolved.id : m.env, target: target && !m.unknown.has('target') ? target : undefined };
}
/** Where BuildKit mounts a secret that has no target (and no env=): /run/secrets/ and the id's last path segment. */
const secretFile = (id) => `/run/secrets/${node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(id)}`;
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function idOf(m, key, id) {
    if (key === undefined || !m.unknown.has(key))
        return { id };
    const body = escapeRegExp(id);
    return { idPattern: new RegExp(`^${body}$`.replace(/\\\$\\\{[^}]*\\\}|\\\$[A-Za-z_][A-Za-z0-9_]*/g, '.*')) };
}


/***/ })

};
