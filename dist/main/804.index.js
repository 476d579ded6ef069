export const id = 804;
export const ids = [804];
export const modules = {

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

/***/ 6804:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   looksLikeCredential: () => (/* binding */ looksLikeCredential),
/* harmony export */   preflight: () => (/* binding */ preflight),
/* harmony export */   secretMounts: () => (/* binding */ secretMounts),
/* harmony export */   sshMounts: () => (/* binding */ sshMounts)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8390);
/* harmony import */ var _dockerignore_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(749);
/**
 * Checks a Dockerfile against the secrets the action was given, before buildx runs.
 * Parsed with dockerfile-ast (continuation lines, heredocs and stages handled by the
 * parser). Pure: returns findings; reporting is the caller's.
 */



/** BuildKit's SecretsUsedInArgOrEnv words: a name made of these parts looks like a credential. */
const CREDENTIAL_WORDS = new Set(['apikey', 'auth', 'credential', 'credentials', 'key', 'password', 'pword', 'passwd', 'secret', 'token', 'pat']);
const COPYING_COMMANDS = /^(cp|mv|install|ln|rsync|dd|tee|scp)\b/;
function preflight(input) {
    const df = dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.DockerfileParser.parse(input.dockerfile);
    const instructions = df.getInstructions();
    const mounts = instructions.flatMap(secretMounts);
    return [
        ...secretValuesInDockerfile(instructions, input.redactor),
        ...missingAndUnused(mounts, input),
        ...(input.providedSshIds ? sshMountsCheck(instructions.flatMap(sshMounts), input.providedSshIds) : []),
        ...instructions.flatMap(credentialNames),
        ...instructions.flatMap(copiedSecrets),
        ...contextSecretFiles(instructions, input.contextSecretFiles)
    ];
}
const lineOf = (ins) => ins.getRange().start.line + 1;
/** `RUN --mount=type=secret,…`: the id defaults to the target's basename, the target to /run/secrets/<id>. */
function secretMounts(ins) {
    if (!(ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Run))
        return [];
    return ins
        .getFlags()
        .filter((f) => f.getName() === 'mount')
        .map((f) => new Map(f.getOptions().map((o) => [o.getName(), o.getValue()])))
        .filter((o) => o.get('type') === 'secret')
        .map((o) => {
        const target = o.get('target') ?? o.get('dst') ?? o.get('destination') ?? '';
        const id = o.get('id') ?? (target ? node_path__WEBPACK_IMPORTED_MODULE_0__.posix.basename(target) : '');
        const required = o.has('required') && o.get('required') !== 'false';
        return { id, target: target || `/run/secrets/${id}`, required, line: lineOf(ins) };
    });
}
/** `RUN --mount=type=ssh`: the id defaults to "default"; `required` makes a missing agent an error in BuildKit too. */
function sshMounts(ins) {
    if (!(ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Run))
        return [];
    return ins
        .getFlags()
        .filter((f) => f.getName() === 'mount')
        .map((f) => new Map(f.getOptions().map((o) => [o.getName().toLowerCase(), o.getValue()])))
        .filter((o) => o.get('type')?.toLowerCase() === 'ssh')
        .map((o) => ({ id: o.get('id') || 'default', required: /^(true|1)$/i.test(o.get('required') ?? ''), line: lineOf(ins) }));
}
/** SSH ids mounted but not given (an error when required, a warning otherwise) and given but never mounted (least privilege). */
function sshMountsCheck(mounts, provided) {
    const findings = [];
    for (const m of mounts.filter((x) => !x.id.includes('$') && !provided.includes(x.id))) {
        findings.push({
            severity: m.required ? 'error' : 'warning',
            line: m.line,
            message: `RUN --mount=type=ssh uses ssh id "${m.id}" but the build is given no such key or agent (given: ${provided.join(', ') || 'none'}); add it to ssh or ssh-secrets`
        });
    }
    const used = new Set(mounts.map((m) => m.id));
    for (const id of provided.filter((p) => !used.has(p))) {
        findings.push({ severity: 'warning', message: `ssh id "${id}" is given but no RUN --mount=type=ssh uses it: drop it (least privilege)` });
    }
    return findings;
}
function secretValuesInDockerfile(instructions, redactor) {
    return instructions.flatMap((ins) => redactor.secretsIn(ins.getTextContent()).map((id) => ({
        severity: 'error',
        line: lineOf(ins),
        message: `the Dockerfile contains the value of secret "${id}": it would be stored in the image or its history; mount it with RUN --mount=type=secret,id=${id}`
    })));
}
function missingAndUnused(mounts, input) {
    const provided = new Set(input.providedIds);
    const findings = [];
    for (const m of mounts) {
        if (m.id === '' || m.id.includes('$') || provided.has(m.id))
            continue;
        if (m.required || !input.allowMissingOptional) {
            findings.push({
                severity: 'error',
                line: m.line,
                message: `the Dockerfile mounts secret "${m.id}" but the action was not given it (given: ${input.providedIds.join(', ') || 'none'}).` +
                    (m.required ? '' : ' The mount is optional; set allow-missing-optional-secrets: true if the step is meant to run without it.')
            });
        }
    }
    const referenced = new Set(mounts.map((m) => m.id));
    const dynamic = mounts.some((m) => m.id.includes('$'));
    for (const id of input.providedIds) {
        if (!referenced.has(id) && !dynamic) {
            findings.push({ severity: 'warning', message: `secret "${id}" is given but no RUN --mount=type=secret uses it: drop it (least privilege)` });
        }
    }
    return findings;
}
function looksLikeCredential(name) {
    const parts = name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .split(/[_\-.]+/);
    return parts.some((p) => CREDENTIAL_WORDS.has(p)) || /(api|access|private|secret)key$/i.test(name);
}
function credentialNames(ins) {
    if (!(ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Arg || ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Env))
        return [];
    const kw = ins.getKeyword();
    return ins
        .getProperties()
        .filter((p) => looksLikeCredential(p.getName()))
        .map((p) => ({
        severity: 'warning',
        line: lineOf(ins),
        message: `${kw} ${p.getName()} looks like a credential: ${kw} values are kept in the image history and provenance; use a secret mount instead`
    }));
}
/** RUN steps that write a mounted secret into the filesystem (redirect, cp, tee …): the layer would keep it. */
function copiedSecrets(ins) {
    const mounts = secretMounts(ins);
    if (mounts.length === 0)
        return [];
    const script = ins.getArgumentsContent() ?? '';
    const findings = [];
    for (const pipeline of script.split(/&&|\|\||;|\n/)) {
        const stages = pipeline.split(/\|(?!\|)/).map((s) => s.trim());
        const from = stages.findIndex((s) => mounts.some((m) => s.includes(m.target)));
        if (from === -1)
            continue;
        const writes = stages.slice(from).some((s, k) => writesFile(s) || (k > 0 && /^tee\b/.test(s)) || (k === 0 && COPYING_COMMANDS.test(s)));
        const hit = mounts.find((m) => stages[from].includes(m.target));
        if (writes) {
            findings.push({
                severity: 'warning',
                line: lineOf(ins),
                message: `RUN writes the mounted secret "${hit.id}" into the filesystem: the layer keeps it. Read it where it is needed instead`
            });
        }
    }
    return findings;
}
/** A redirect to a file (not to /dev/null or another descriptor). */
function writesFile(stage) {
    return /(^|[^0-9&<>])>>?\s*(?!&|\/dev\/(null|stdout|stderr))\S/.test(stage);
}
function contextSecretFiles(instructions, files) {
    const findings = [];
    // An ignored file never reaches the builder, so no COPY can take it in either.
    for (const f of files.filter((file) => !file.ignored)) {
        findings.push({
            severity: 'warning',
            message: `secret file of "${f.id}" (${f.relPath}) is inside the build context and not excluded by .dockerignore: it is sent to the builder with the context`
        });
        for (const ins of instructions.filter((i) => i instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Copy || i instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Add)) {
            if (copySources(ins).some((src) => (0,_dockerignore_js__WEBPACK_IMPORTED_MODULE_2__.sourceCovers)(src, f.relPath))) {
                findings.push({
                    severity: 'warning',
                    line: lineOf(ins),
                    message: `${ins.getKeyword()} copies the secret file of "${f.id}" (${f.relPath}) into the image`
                });
            }
        }
    }
    return findings;
}
function copySources(ins) {
    if (ins instanceof dockerfile_ast__WEBPACK_IMPORTED_MODULE_1__.Copy && ins.getFromFlag())
        return [];
    const args = ins
        .getArguments()
        .map((a) => a.getValue())
        .filter((a) => !a.startsWith('--'));
    return args.slice(0, -1);
}


/***/ })

};
