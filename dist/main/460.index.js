export const id = 460;
export const ids = [460];
export const modules = {

/***/ 3460:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   keyedSteps: () => (/* binding */ keyedSteps),
/* harmony export */   notRewritable: () => (/* binding */ notRewritable),
/* harmony export */   withStepKeys: () => (/* binding */ withStepKeys)
/* harmony export */ });
/* unused harmony export directives */
/* harmony import */ var dockerfile_ast__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8390);
/* harmony import */ var _leak_guard_preflight_model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5418);
/* harmony import */ var _leak_guard_preflight_mounts_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(781);
/* harmony import */ var _step_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5009);
/**
 * The user's Dockerfile with each RUN that mounts secrets keyed on their values
 * (step-keys.ts): one more `--mount=type=secret,id=<key>,required=false` right after the
 * keyword, on the same line, so every line number stays (annotations, BuildKit's checks
 * and errors point at the user's lines) and nothing the step sees changes. Parsed as the
 * preflight parses it (its model and BuildKit's mount rules).
 */




/**
 * The frontends known to take the rewrite: BuildKit's Dockerfile frontend, built in or named
 * by `# syntax=` (docker/dockerfile, its -upstream channel, on Docker Hub). Another frontend
 * may read `--mount` otherwise or not at all.
 */
const DOCKERFILE_FRONTEND = /^(docker\.io\/)?docker\/dockerfile(-upstream)?(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/;
/**
 * BuildKit's parser directives (frontend/dockerfile/parser/directives.go ParseDirective): a
 * BOM and a `#!` first line are skipped; the whole file may be JSON (`{"syntax": …}`);
 * else leading `//key=value` lines, else leading `#key=value` lines, up to the first line
 * that is not one of BuildKit's directives (syntax, escape, check). Keys lower-cased.
 */
const DIRECTIVES = new Set(['syntax', 'escape', 'check']);
/** `//key=value`, then `#key=value`: the two comment forms BuildKit tries, in its order. */
const DIRECTIVE_LINES = [/^\/\/\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/, /^#\s*([A-Za-z][A-Za-z0-9]*)\s*=\s*(.*?)\s*$/];
function directives(dockerfile) {
    let text = dockerfile.replace(/^\uFEFF/, '');
    if (text.startsWith('#!'))
        text = text.slice(text.indexOf('\n') + 1 || text.length);
    try {
        const json = JSON.parse(text);
        if (json && typeof json === 'object' && !Array.isArray(json))
            return Object.fromEntries(Object.entries(json).flatMap(([k, v]) => (typeof v === 'string' ? [[k.toLowerCase(), v]] : [])));
    }
    catch {
        // Not JSON: comment directives.
    }
    for (const directive of DIRECTIVE_LINES) {
        const found = {};
        for (const line of text.split(/\r?\n/)) {
            const m = directive.exec(line);
            if (!m || !DIRECTIVES.has(m[1].toLowerCase()))
                break;
            found[m[1].toLowerCase()] ??= m[2];
        }
        if (Object.keys(found).length)
            return found;
    }
    return {};
}
/**
 * Why this Dockerfile cannot be keyed, or undefined when it can: another frontend, or text
 * that BuildKit and the parser used here (dockerfile-ast) may split into instructions
 * differently, so the rewrite could not be sure where a RUN starts. Then the action does
 * not key, and a build beside it on the builder fails the step (pipeline.ts).
 */
function notRewritable(dockerfile, buildArgs = {}) {
    const found = directives(dockerfile);
    const syntax = buildArgs.BUILDKIT_SYNTAX ?? found.syntax;
    if (syntax !== undefined && !DOCKERFILE_FRONTEND.test(syntax))
        return `its frontend is ${syntax}, not BuildKit's Dockerfile frontend`;
    if (/\r(?!\n)|[\f\v]/.test(dockerfile))
        return 'it holds a carriage return that does not end a line, a form feed or a vertical tab';
    const escape = found.escape ?? '\\';
    if (escape !== dockerfile_ast__WEBPACK_IMPORTED_MODULE_0__.DockerfileParser.parse(dockerfile).getEscapeCharacter())
        return 'its escape directive is read differently by BuildKit and by the parser here';
    return undefined;
}
/** A given secret's id, or `absent:<kind>:<id>` for one the action does not give (keyed as absent, not as nothing). */
function mountedSecrets(m, raw, input) {
    const all = [...input.secretIds, ...input.sshSecrets.map((s) => s.secret)];
    // A variable anywhere in the mount: what BuildKit makes of it may differ from what the model does.
    if (raw.includes('$') || m.error)
        return [...all, `absent:unknown:${raw}`];
    if (m.type === 'secret') {
        if (m.id === undefined)
            return [...input.secretIds.filter((id) => m.idPattern === undefined || m.idPattern.test(id)), `absent:secret:${raw}`];
        return input.secretIds.includes(m.id) ? [m.id] : [`absent:secret:${m.id}`];
    }
    if (m.type === 'ssh') {
        const given = input.sshSecrets.filter((s) => m.id === undefined || s.ssh === m.id).map((s) => s.secret);
        return given.length ? given : [`absent:ssh:${m.id ?? 'default'}`];
    }
    return [];
}
/**
 * The RUN steps of this build that mount a secret or an ssh key, given or not, with where
 * their keyword ends; or why the Dockerfile cannot be keyed after all (ONBUILD triggers
 * that this build runs, a mount the parser may have missed).
 */
function keyedSteps(input) {
    const starts = lineStarts(input.dockerfile);
    const model = (0,_leak_guard_preflight_model_js__WEBPACK_IMPORTED_MODULE_1__/* .buildModel */ .yK)(input.dockerfile, input.buildArgs, input.target);
    const { escape } = model;
    const steps = [];
    for (const s of model.steps.filter((x) => x.ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_0__.Run)) {
        const flags = s.ins.getFlags().filter((f) => f.getName() === 'mount');
        const mounts = (0,_leak_guard_preflight_mounts_js__WEBPACK_IMPORTED_MODULE_2__/* .mountsOf */ .cS)(s);
        const ids = [...new Set(mounts.flatMap((m, k) => mountedSecrets(m, flags[k]?.getValue() ?? '', input)))].sort();
        if (!ids.length)
            continue;
        // A trigger runs in this build when a later stage is built FROM its stage; keyed there, its key would go into the image config.
        if (s.onbuild) {
            if (model.stages.some((x) => x.base === s.stage))
                return { reason: `line ${s.line}: an ONBUILD trigger that mounts a secret runs in this build` };
            continue;
        }
        if (escape !== '\\' && flags.some((f) => (f.getValue() ?? '').includes(escape)))
            return { reason: `line ${s.line}: a mount flag holds the escape character` };
        const end = s.ins.getInstructionRange().end;
        steps.push({ line: s.line, ids, offset: starts[end.line] + end.character });
    }
    // A backstop: every line that says --mount lies in a RUN the model read (or its mounts were seen).
    const runLines = new Set(model.steps
        .filter((x) => x.ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_0__.Run)
        .flatMap((x) => {
        const r = x.ins.getRange();
        return Array.from({ length: r.end.line - r.start.line + 1 }, (_, k) => r.start.line + k + 1);
    }));
    const stray = input.dockerfile.split('\n').findIndex((l, k) => /--mount/i.test(l) && !runLines.has(k + 1) && !/^\s*#/.test(l));
    if (stray !== -1)
        return { reason: `line ${stray + 1}: a --mount outside any RUN the parser read` };
    return steps;
}
function lineStarts(text) {
    const starts = [0];
    for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1))
        starts.push(k + 1);
    return starts;
}
/** The text with each keyed step's mount inserted after its keyword. Pure. */
function withStepKeys(dockerfile, steps, parts) {
    let out = '';
    let at = 0;
    for (const s of [...steps].sort((a, b) => a.offset - b.offset)) {
        out += `${dockerfile.slice(at, s.offset)} --mount=type=secret,id=${(0,_step_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .stepKey */ .Ug)(s.ids, parts)},required=false`;
        at = s.offset;
    }
    return out + dockerfile.slice(at);
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
