export const id = 156;
export const ids = [156,545];
export const modules = {

/***/ 545:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   assertNoSecretInArgv: () => (/* binding */ assertNoSecretInArgv),
/* harmony export */   bareCrToLf: () => (/* binding */ bareCrToLf),
/* harmony export */   capture: () => (/* binding */ capture),
/* harmony export */   childEnv: () => (/* binding */ childEnv),
/* harmony export */   removeImageNow: () => (/* binding */ removeImageNow),
/* harmony export */   runStreamed: () => (/* binding */ runStreamed),
/* harmony export */   streamStdout: () => (/* binding */ streamStdout)
/* harmony export */ });
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(260);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(75);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(916);
/**
 * The only place that starts docker (and skopeo, which publishes a scanned export). Every call goes through `prepare`, which
 * refuses an argv that carries a secret and gives the child an environment without
 * inputs (INPUT_* holds the `secrets` input) or any variable whose value carries a
 * secret. Output the action prints passes the scrubber inside a stop-commands fence.
 */





const TAIL_BYTES = 64 * 1024;
/** What docker needs to run at all; kept even if a (pathologically short) secret matches them. */
const ESSENTIAL = new Set(['PATH', 'HOME']);
/** The action owns the progress format: rawjson would print output base64-encoded per chunk, past the scrubber. */
const WITHHELD = new Set(['BUILDKIT_PROGRESS']);
const NOT_FOUND = {
    docker: 'docker was not found on PATH: install the Docker CLI (docker/setup-buildx-action sets up buildx)',
    skopeo: "skopeo was not found on PATH: the leak guard pushes the scanned image with it (GitHub's ubuntu runners have it; elsewhere apt-get install skopeo), or set leak-check: off"
};
/** The child's environment, and the names of variables withheld because their value carries a secret. */
function childEnv(env, redactor) {
    const out = {};
    const withheld = [];
    for (const [name, value] of Object.entries(env)) {
        if (value === undefined || name.startsWith('INPUT_') || WITHHELD.has(name))
            continue;
        if (!ESSENTIAL.has(name) && redactor.secretsIn(value).length > 0)
            withheld.push(name);
        else
            out[name] = value;
    }
    return { env: out, withheld };
}
/** The last line of defence for argv: a secret here would be visible in the process table. */
function assertNoSecretInArgv(args, redactor) {
    const k = args.findIndex((a) => redactor.secretsIn(a).length > 0);
    if (k !== -1)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(`refusing to run docker: argument ${k + 1} would carry the value of secret "${redactor.secretsIn(args[k])[0]}"`);
}
function prepare(args, log) {
    assertNoSecretInArgv(args, log.redactor);
    const { env, withheld } = childEnv(process.env, log.redactor);
    if (withheld.length)
        log.info(`withheld from docker's environment because their values carry a secret: ${withheld.join(', ')}`);
    return env;
}
function exitOf(child, program = 'docker') {
    return new Promise((resolve, reject) => {
        child.once('error', (e) => reject(e.code === 'ENOENT' ? new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(NOT_FOUND[program]) : e));
        child.once('close', (code, signal) => resolve({ code, signal }));
    });
}
/**
 * A long-running docker command (the build) whose stdout and stderr are scrubbed and
 * printed inside a stop-commands fence, both to stdout so the fence and the output
 * stay in order. Keeps its own spawn: @actions/exec has no way to put a transform
 * between the child and the log, nor to hand the child to a signal handler.
 */
async function runStreamed(args, log, o = {}) {
    const env = { ...prepare(args, log), ...o.env };
    return log.fenced(async () => {
        const program = o.program ?? 'docker';
        if (o.echo)
            process.stdout.write(`${log.scrub(`[command]${program} ${args.join(' ')}`)}\n`);
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_1__.spawn)(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        o.onSpawn?.(child);
        const tail = new Tail();
        const out = pipeScrubbed(child.stdout, log.redactor, process.stdout);
        const err = pipeScrubbed(child.stderr, log.redactor, process.stdout, (chunk) => tail.push(chunk));
        const { code, signal } = await exitOf(child, program);
        await Promise.all([out, err]);
        return { code, signal, stderrTail: tail.text() };
    });
}
function pipeScrubbed(src, redactor, dest, tap) {
    const scrubbed = redactor.stream();
    // Before the scrubber: a line the runner will see is a line the scrubber looks through.
    src.pipe(bareCrToLf()).pipe(scrubbed);
    if (tap)
        scrubbed.on('data', tap);
    // stdout and stderr share the log: each writes whole lines, so one cannot cut into the other's line.
    if (dest)
        scrubbed.pipe(wholeLines()).pipe(dest, { end: false });
    else if (!tap)
        scrubbed.resume();
    return (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_3__.finished)(scrubbed);
}
/** Passes on whole lines only; a partial line goes on at the end, or after a pause (a stalled build's prompt). */
function wholeLines() {
    let rest = Buffer.alloc(0);
    let timer;
    const t = new node_stream__WEBPACK_IMPORTED_MODULE_2__.Transform({
        transform(chunk, _enc, done) {
            clearTimeout(timer);
            const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
            const cut = buf.lastIndexOf(0x0a) + 1;
            rest = buf.subarray(cut);
            if (rest.length)
                timer = setTimeout(() => {
                    const out = rest;
                    rest = Buffer.alloc(0);
                    if (out.length)
                        t.push(out);
                }, 500).unref();
            done(null, cut ? buf.subarray(0, cut) : undefined);
        },
        flush(done) {
            clearTimeout(timer);
            done(null, rest.length ? rest : undefined);
        }
    });
    return t;
}
/**
 * The runner ends a line at a bare CR: what follows one would start a line of its own in
 * the log. Turned into a line feed, so the log shows what the runner sees (and a terminal
 * cannot be made to overwrite a line). A CR that ends a chunk becomes a line feed too.
 */
function bareCrToLf() {
    return new node_stream__WEBPACK_IMPORTED_MODULE_2__.Transform({
        transform(chunk, _enc, done) {
            done(null, Buffer.from(chunk.toString('latin1').replace(/\r(?!\n)/g, '\n'), 'latin1'));
        }
    });
}
/** The last TAIL_BYTES of a stream, for error messages. */
class Tail {
    buf = Buffer.alloc(0);
    push(chunk) {
        this.buf = Buffer.concat([this.buf, chunk]).subarray(-TAIL_BYTES);
    }
    text() {
        return this.buf.toString('utf8');
    }
}
/** A docker command whose stdout is data for the action (`docker save`), never printed. */
function streamStdout(args, log) {
    const env = prepare(args, log);
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_1__.spawn)('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Scrubbed before the tail is cut: a cut through a secret would leave a piece no pattern matches.
    const tail = new Tail();
    const err = pipeScrubbed(child.stderr, log.redactor, undefined, (chunk) => tail.push(chunk));
    const done = Promise.all([exitOf(child), err]).then(([r]) => ({ ...r, stderr: tail.text() }), (e) => ({ code: -1, signal: null, stderr: e.message }));
    return { stdout: child.stdout, done, kill: () => child.kill('SIGKILL') };
}
/** A short docker (or skopeo) call whose output the action reads (probes, inspect). Nothing is printed. */
async function capture(args, log, program = 'docker') {
    const env = prepare(args, log);
    try {
        // An empty stdin: a command that would prompt (skopeo login) reads EOF instead of waiting.
        const r = await _actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .getExecOutput */ .H(program, args, { env, silent: true, ignoreReturnCode: true, input: Buffer.alloc(0) });
        return { code: r.exitCode, stdout: log.scrub(r.stdout), stderr: log.scrub(r.stderr) };
    }
    catch (e) {
        if (/ENOENT|Unable to locate executable/.test(String(e)))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ActionError */ .lZ(NOT_FOUND[program]);
        throw e;
    }
}
/**
 * Removes an image at once and waits for it: for a signal handler, which cannot wait for a
 * promise, and the post step. Bounded: a daemon that does not answer is given 10 s.
 */
function removeImageNow(id, log) {
    const args = ['image', 'rm', '--force', id];
    (0,node_child_process__WEBPACK_IMPORTED_MODULE_1__.spawnSync)('docker', args, { env: prepare(args, log), stdio: 'ignore', timeout: 10_000 });
}


/***/ }),

/***/ 156:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   removeExports: () => (/* binding */ removeExports)
/* harmony export */ });
/* unused harmony export Exports */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _docker_process_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(545);
/* harmony import */ var _exports_state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(956);
/**
 * What the build leaves on the runner until it is published or thrown away: the work
 * directory (the OCI export, cache layouts, outputs inside the context), each file
 * output's copy beside its destination, and on the classic image store the untagged
 * image loaded for the scan. None of it has been scanned while the step runs, so every
 * way out removes it: the `finally`, a cancellation signal (synchronously, as the vault),
 * and the post step after a killed main, from the state recorded here as the vault's is.
 */




class Exports {
    log;
    paths = [];
    image = '';
    constructor(log) {
        this.log = log;
    }
    add(...paths) {
        this.paths.push(...paths.map((p) => path.resolve(p)));
        this.save();
    }
    /** The untagged image the classic store loaded for the scan: removed on every way out, until it is published. */
    loaded(id) {
        this.image = id;
        this.save();
    }
    /** The loaded image is published (tagged, pushed, or loaded as asked): no longer the action's to remove. */
    published() {
        this.image = '';
        this.save();
    }
    /** Synchronous: a signal handler calls it. What could not be removed stays in the state, for the post step. */
    dispose() {
        const left = this.paths.filter((p) => !removeExport(p));
        if (this.image)
            removeImageNow(this.image, this.log);
        this.paths.splice(0, this.paths.length, ...left);
        this.image = '';
        this.save();
        if (left.length)
            throw new Error(`could not remove ${left.join(', ')}; the post step will try again`);
    }
    save() {
        this.log.saveState(EXPORTS_STATE_KEY, this.paths.length ? JSON.stringify(this.paths) : '');
        this.log.saveState(LOADED_IMAGE_STATE_KEY, this.image);
    }
}
/** Removes the paths the action named; a path with another name (a forged state) is left alone. Returns those removed. */
function removeExports(paths) {
    return paths.filter((p) => (0,_exports_state_js__WEBPACK_IMPORTED_MODULE_3__/* .present */ .Eb)(p) && removeExport(p));
}
/** Whether `p` is gone now (a path not named as the action names its exports is never removed). */
function removeExport(p) {
    if (!(0,_exports_state_js__WEBPACK_IMPORTED_MODULE_3__/* .present */ .Eb)(p))
        return true;
    if (!(0,_exports_state_js__WEBPACK_IMPORTED_MODULE_3__/* .isExportPath */ .Mr)(p))
        return false;
    try {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(p, { recursive: true, force: true, maxRetries: 2 });
        return true;
    }
    catch {
        return false;
    }
}


/***/ })

};
