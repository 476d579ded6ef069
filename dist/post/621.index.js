export const id = 621;
export const ids = [621];
export const modules = {

/***/ 621:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  removeExports: () => (/* binding */ removeExports),
  removeUntaggedImage: () => (/* binding */ removeUntaggedImage)
});

// UNUSED EXPORTS: Exports

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(421);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(161);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(75);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(466);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(916);
;// CONCATENATED MODULE: ./src/docker/buildx-plugin.ts
/**
 * The buildx the docker CLI would run, run directly. `docker buildx …` first runs
 * `docker-buildx docker-cli-plugin-metadata` to validate the plugin, then the plugin:
 * two Go starts, ~0.15 s a call here (bench/overhead.ts measures it). buildx run by its
 * own name is its standalone mode, which buildx keeps equal to the plugin mode on purpose
 * (commands/root.go: the same client options and environment variables) and which
 * docker/actions-toolkit supports too. The plugin is looked up as docker/cli's
 * getPluginDirs does: config.json's cliPluginsExtraDirs, then `<config dir>/cli-plugins`,
 * then the system directories; the first file named docker-buildx wins. Without one
 * (another CLI behind `docker`, a platform with other paths) the action runs `docker buildx`.
 */



/** The docker CLI's configuration directory (DOCKER_CONFIG, else ~/.docker). */
function dockerConfigDir(env = process.env) {
    return env.DOCKER_CONFIG || external_node_path_.join(external_node_os_.homedir(), '.docker');
}
/** docker/cli's defaultSystemPluginDirs on Linux and the other Unixes, in its order. */
const SYSTEM_DIRS = [
    '/usr/local/lib/docker/cli-plugins',
    '/usr/local/libexec/docker/cli-plugins',
    '/usr/lib/docker/cli-plugins',
    '/usr/libexec/docker/cli-plugins'
];
/** The directories docker searches for plugins, in its order. Pure but for reading config.json. */
function pluginDirs(env = process.env, systemDirs = SYSTEM_DIRS) {
    const config = dockerConfigDir(env);
    let extra = [];
    try {
        const parsed = JSON.parse(external_node_fs_.readFileSync(external_node_path_.join(config, 'config.json'), 'utf8'));
        if (Array.isArray(parsed.cliPluginsExtraDirs))
            extra = parsed.cliPluginsExtraDirs.filter((d) => typeof d === 'string');
    }
    catch {
        // No config.json, or one docker would refuse too: docker then looks in the other directories.
    }
    return [...extra, external_node_path_.join(config, 'cli-plugins'), ...systemDirs];
}
/** The docker-buildx the docker CLI would run, or null (on Windows, always: its plugin is docker-buildx.exe elsewhere). */
function buildxPlugin(env = process.env, systemDirs = SYSTEM_DIRS) {
    if (process.platform === 'win32')
        return null;
    return (pluginDirs(env, systemDirs)
        .map((d) => external_node_path_.join(d, 'docker-buildx'))
        .find((f) => external_node_fs_.existsSync(f)) ?? null);
}
/**
 * The program and argv for a docker command: `buildx …` goes to the plugin itself when there
 * is one, unless SECRET_BUILD_BUILDX_VIA_DOCKER=true asks for `docker buildx` (a runner whose
 * `docker` is a wrapper the buildx calls must pass through).
 */
function dockerCommand(args, env = process.env, systemDirs = SYSTEM_DIRS) {
    const plugin = args[0] === 'buildx' && env.SECRET_BUILD_BUILDX_VIA_DOCKER !== 'true' ? buildxPlugin(env, systemDirs) : null;
    return plugin ? { file: plugin, args: args.slice(1) } : { file: 'docker', args: [...args] };
}

;// CONCATENATED MODULE: ./src/docker/process.ts
/**
 * The only place that starts docker (and skopeo, which publishes a scanned export). Every call goes through `prepare`, which
 * refuses an argv that carries a secret and gives the child an environment without
 * inputs (INPUT_* holds the `secrets` input) or any variable whose value carries a
 * secret. Output the action prints passes the scrubber inside a stop-commands fence.
 */






const TAIL_BYTES = (/* unused pure expression or super */ null && (64 * 1024));
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
        throw new errors/* ActionError */.lZ(`refusing to run docker: argument ${k + 1} would carry the value of secret "${redactor.secretsIn(args[k])[0]}"`);
}
function prepare(args, log) {
    assertNoSecretInArgv(args, log.redactor);
    const { env, withheld } = childEnv(process.env, log.redactor);
    if (withheld.length)
        log.info(`withheld from docker's environment because their values carry a secret: ${withheld.join(', ')}`);
    return env;
}
/** docker's `buildx …` runs the buildx plugin directly (buildx-plugin.ts); everything else as given. */
function commandOf(program, args) {
    return program === 'docker' ? dockerCommand(args) : { file: program, args: [...args] };
}
function exitOf(child, program = 'docker') {
    return new Promise((resolve, reject) => {
        child.once('error', (e) => reject(e.code === 'ENOENT' ? new errors/* ActionError */.lZ(NOT_FOUND[program]) : e));
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
        const cmd = commandOf(program, args);
        if (o.echo)
            process.stdout.write(`${log.scrub(`[command]${cmd.file} ${cmd.args.join(' ')}`)}\n`);
        const child = spawn(cmd.file, cmd.args, { env, stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
        o.onSpawn?.(child);
        const fed = o.stdin && feed(child, o.stdin);
        // Its failure is the run's, awaited below: not an unhandled rejection while the child exits.
        fed?.catch(() => undefined);
        const tail = new Tail();
        let redactions = 0;
        const counted = () => void redactions++;
        const out = pipeScrubbed(child.stdout, log.redactor, process.stdout, undefined, counted);
        const err = pipeScrubbed(child.stderr, log.redactor, process.stdout, (chunk) => tail.push(chunk), counted);
        const { code, signal } = await exitOf(child, program);
        await Promise.all([out, err, fed]);
        return { code, signal, stderrTail: tail.text(), redactions };
    });
}
/** Writes the input when it is ready and closes it; if it cannot be made, stops the child and rejects with why. */
async function feed(child, input) {
    // A child that exits first (killed, cancelled) leaves a closed pipe: nothing to write to then.
    child.stdin.on('error', () => undefined);
    try {
        child.stdin.end(await input);
    }
    catch (e) {
        child.kill('SIGKILL');
        throw e;
    }
}
function pipeScrubbed(src, redactor, dest, tap, onRedaction) {
    const scrubbed = redactor.stream(onRedaction);
    // Before the scrubber: a line the runner will see is a line the scrubber looks through.
    src.pipe(bareCrToLf()).pipe(scrubbed);
    if (tap)
        scrubbed.on('data', tap);
    // stdout and stderr share the log: each writes whole lines, so one cannot cut into the other's line.
    if (dest)
        scrubbed.pipe(wholeLines()).pipe(dest, { end: false });
    else if (!tap)
        scrubbed.resume();
    return finished(scrubbed);
}
/** Passes on whole lines only; a partial line goes on at the end, or after a pause (a stalled build's prompt). */
function wholeLines() {
    let rest = Buffer.alloc(0);
    let timer;
    const t = new Transform({
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
    return new Transform({
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
    const child = spawn('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Scrubbed before the tail is cut: a cut through a secret would leave a piece no pattern matches.
    const tail = new Tail();
    const err = pipeScrubbed(child.stderr, log.redactor, undefined, (chunk) => tail.push(chunk));
    const done = Promise.all([exitOf(child), err]).then(([r]) => ({ ...r, stderr: tail.text() }), (e) => ({ code: -1, signal: null, stderr: e.message }));
    return { stdout: child.stdout, done, kill: () => child.kill('SIGKILL') };
}
/**
 * A short docker (or skopeo) call whose output the action reads (probes, inspect). Nothing
 * is printed. Its stdin is /dev/null: a command that would prompt (skopeo login) reads EOF
 * instead of waiting, and nothing is written to a child that may already have exited
 * (@actions/exec's `input` could fail with EPIPE then).
 */
async function capture(args, log, program = 'docker') {
    const env = prepare(args, log);
    const cmd = commandOf(program, args);
    const child = (0,external_node_child_process_.spawn)(cmd.file, cmd.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const { code, signal } = await exitOf(child, program);
    const text = (bs) => log.scrub(Buffer.concat(bs).toString('utf8'));
    // Killed by a signal: the shell's exit code for it.
    return { code: code ?? 128 + (signal ? external_node_os_.constants.signals[signal] : 0), stdout: text(out), stderr: text(err) };
}
/**
 * Removes an image at once and waits for it: for a signal handler, which cannot wait for a
 * promise, and the post step. Bounded: a daemon that does not answer is given 10 s. Whether
 * the image is gone (removed, or there was none by that id); a daemon that failed or did not
 * answer leaves it, and the caller keeps it for the post step.
 */
function process_removeImageNow(id, log) {
    const args = ['image', 'rm', '--force', id];
    const r = (0,external_node_child_process_.spawnSync)('docker', args, { env: prepare(args, log), stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000, encoding: 'utf8' });
    return r.status === 0 || /no such image/i.test(r.stderr ?? '');
}

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(58);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
;// CONCATENATED MODULE: ./src/detection/fragments.ts
/**
 * Finds every stretch of 16 or more bytes that a text shares with a secret's forms
 * (the value, its base64 at each alignment, its JSON and URI escapes): a secret cut,
 * wrapped, prefixed or partly printed still shows itself by its pieces.
 *
 * Sampling: the table holds the 8-byte gram at *every* position of every source; the
 * text is probed only every 9th position. A shared stretch of 16 bytes has 9 gram
 * starts inside it, so one probe always lands in it; the hit is then extended byte by
 * byte both ways to the whole shared stretch. A probe is two 4-byte reads, a hash and
 * a test of two bits in one word (a filter of all gram hashes) in the common case of no secret: the cost
 * per text byte does not depend on the number or the length of the secrets.
 * Memory, per source byte: the byte, a 4-byte chain link, 4 to 8 bytes of bucket heads
 * and up to 2 bytes of filter (at most 4 MiB): 9 to 15 bytes; a value has about 5 source bytes a byte
 * (variants.ts).
 */
const FRAGMENT_BYTES = 16;
const GRAM = 8;
const STRIDE = FRAGMENT_BYTES - GRAM + 1;
/** A bucket is walked this far: a gram repeated more often (a run of one byte) is looked up at its first occurrences only. */
const MAX_CHAIN = 64;
/** base64url differs from base64 in two characters: comparing through this table finds both with one source. */
const CANON = new Uint8Array(256).map((_, i) => i);
CANON[0x2d] = 0x2b; // '-' → '+'
CANON[0x5f] = 0x2f; // '_' → '/'
/** CANON on the four bytes of a word at once: bytes equal to '-' or '_' are lowered to '+' or '/'. */
function canonWord(w) {
    let x = w ^ 0x2d2d2d2d;
    let zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
    w -= (zero >>> 7) * 0x02;
    x = w ^ 0x5f5f5f5f;
    zero = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
    return (w - (zero >>> 7) * 0x30) | 0;
}
function gramHash(d, i) {
    const lo = canonWord(d.getInt32(i, true));
    const hi = canonWord(d.getInt32(i + 4, true));
    return (Math.imul(lo ^ (hi >>> 7), 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) >>> 0;
}
const viewOf = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);
class FragmentIndex {
    /** Every source, one after another. */
    corpus;
    corpusView;
    sourceStart;
    sourceTag;
    /** Last position in the corpus inserted into a bucket (by gram hash), -1 when empty. */
    head;
    /** The position inserted into the same bucket before, -1 at the end. */
    next;
    mask;
    /** Two bits in one word for every gram hash of the sources (a blocked Bloom filter): most probes stop here. */
    filter;
    filterShift;
    constructor(sources) {
        const usable = sources.filter((s) => s.bytes.length >= FRAGMENT_BYTES);
        this.corpus = Buffer.concat(usable.map((s) => s.bytes));
        this.corpusView = viewOf(this.corpus);
        this.sourceStart = Int32Array.from([0, ...cumulative(usable.map((s) => s.bytes.length))]);
        this.sourceTag = Int32Array.from(usable.map((s) => s.tag));
        let cap = 16;
        while (cap < this.corpus.length)
            cap *= 2;
        this.mask = cap - 1;
        this.head = new Int32Array(cap).fill(-1);
        this.next = new Int32Array(this.corpus.length);
        // 16 bits a gram, but at most 4 MiB: the filter is read at every probe, and a larger one
        // missing the cache at each probe measured slower than more probes passing on to the
        // buckets (at the cap, with a 500 KiB secret and 1000 others, 4 % pass by mistake).
        let bits = 1 << 16;
        while (bits < this.corpus.length * 16 && bits < 1 << 25)
            bits *= 2;
        this.filter = new Int32Array(bits >>> 5);
        // The word from the hash's top bits, two bits of it from its low bits: the second bit costs no extra memory access.
        this.filterShift = 32 - Math.log2(bits >>> 5);
        // Inserted last to first, so a bucket lists its grams in source order (the first occurrence of a repeated gram first).
        for (let s = usable.length - 1; s >= 0; s--) {
            for (let q = this.sourceStart[s + 1] - GRAM; q >= this.sourceStart[s]; q--)
                this.insert(q);
        }
    }
    /** Source bytes held. */
    get size() {
        return this.corpus.length;
    }
    /** Bytes held: the sources and the tables. */
    get memoryBytes() {
        return this.corpus.length + this.next.byteLength + this.head.byteLength + this.filter.byteLength;
    }
    insert(q) {
        const h = gramHash(this.corpusView, q);
        this.filter[h >>> this.filterShift] |= filterBits(h);
        const b = h & this.mask;
        this.next[q] = this.head[b];
        this.head[b] = q;
    }
    /** The first position in the corpus, in the bucket of hash `h`, that holds the gram at `b[i]`; -1 when none does. */
    firstWith(b, i, h, from = this.head[h & this.mask]) {
        let q = from;
        for (let k = 0; q !== -1 && k < MAX_CHAIN; q = this.next[q], k++)
            if (sameGram(b, i, this.corpus, q))
                return q;
        return -1;
    }
    /** Whether the 8 bytes at `b[i]` are a gram of some source (for probes at chosen places: line ends). */
    hasGram(b, d, i) {
        if (this.corpus.length === 0 || i < 0 || i + GRAM > b.length)
            return false;
        const h = gramHash(d, i);
        const m = filterBits(h);
        return (this.filter[h >>> this.filterShift] & m) === m && this.firstWith(b, i, h) !== -1;
    }
    /** Calls `onSpan` for each maximal stretch of `text` of at least FRAGMENT_BYTES shared with a source. */
    find(text, onSpan) {
        if (this.corpus.length === 0)
            return;
        const d = viewOf(text);
        const filter = this.filter;
        const shift = this.filterShift;
        const last = text.length - GRAM;
        let covered = 0;
        // Every STRIDE-th position is probed: a shared stretch of FRAGMENT_BYTES holds one of them.
        for (let p = 0; p <= last; p += STRIDE) {
            const h = gramHash(d, p);
            const m = filterBits(h);
            if ((filter[h >>> shift] & m) !== m || p + GRAM <= covered)
                continue;
            const span = this.probe(text, p, h);
            if (span && span.end - span.start >= FRAGMENT_BYTES) {
                onSpan(span);
                covered = span.end;
            }
        }
    }
    /** The longest shared stretch through the gram at `p`, or undefined. */
    probe(text, p, h) {
        let best;
        let seen = 0;
        for (let q = this.firstWith(text, p, h); q !== -1 && seen++ < MAX_CHAIN; q = this.firstWith(text, p, h, this.next[q])) {
            const s = this.sourceOf(q);
            const span = this.extend(text, p, q, this.sourceStart[s], this.sourceStart[s + 1]);
            const whole = span.end - span.start === this.sourceStart[s + 1] - this.sourceStart[s];
            if (!best || span.end - span.start > best.end - best.start)
                best = { ...span, tag: this.sourceTag[s], whole };
        }
        return best;
    }
    /** Grows the equal gram at text[p] / corpus[q] both ways, within the source [s0, s1). */
    extend(text, p, q, s0, s1) {
        const c = CANON;
        const corpus = this.corpus;
        let a = p;
        let b = q;
        while (a > 0 && b > s0 && c[text[a - 1]] === c[corpus[b - 1]]) {
            a--;
            b--;
        }
        let e = p + GRAM;
        let f = q + GRAM;
        while (e < text.length && f < s1 && c[text[e]] === c[corpus[f]]) {
            e++;
            f++;
        }
        return { start: a, end: e };
    }
    sourceOf(q) {
        let lo = 0;
        let hi = this.sourceTag.length - 1;
        while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.sourceStart[mid] <= q)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }
}
/** Two bits of a filter word, from the hash's low bits (the word comes from its top bits). */
function filterBits(h) {
    return (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
}
function sameGram(a, i, b, j) {
    for (let k = 0; k < GRAM; k++)
        if (CANON[a[i + k]] !== CANON[b[j + k]])
            return false;
    return true;
}
function cumulative(lengths) {
    let sum = 0;
    return lengths.map((n) => (sum += n));
}


;// CONCATENATED MODULE: ./src/detection/matcher.ts
/**
 * Finds many byte patterns in one pass with Wu-Manber skipping: the scan looks at a
 * window as long as the shortest pattern and, from a hash of the window's last four
 * bytes, jumps ahead by as much as no pattern can start in between. Only windows
 * whose last block ends some pattern's prefix are compared in full. With the usual
 * secrets (16+ bytes) most of the input is never looked at byte by byte.
 * Memory: the patterns plus a 64 KiB shift table, whatever their number or length.
 */
const MIN_PATTERN_BYTES = 4;
const BLOCK = 4;
const HASH_BITS = 16; // 64 KiB: fits in L1/L2; measured faster than 2^18 and 2^20 tables
function blockHash(b, end) {
    const key = (b[end - 3] << 24) | (b[end - 2] << 16) | (b[end - 1] << 8) | b[end];
    return Math.imul(key, 0x9e3779b1) >>> (32 - HASH_BITS);
}
function prefix(b, i) {
    return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}
class PatternMatcher {
    patterns;
    maxLength;
    /** Length of the scan window: the shortest pattern (capped so shifts fit a byte). */
    window;
    shift = new Uint8Array(1 << HASH_BITS);
    /** Patterns by the hash of the last block of their window-long prefix. */
    byEndBlock = new Map();
    /** Patterns by their first four bytes, and every shorter prefix: for partialStart. */
    byPrefix = new Map();
    shortPrefixes = new Set();
    bigrams = new Uint8Array(65536);
    constructor(patterns) {
        this.patterns = patterns;
        patterns.forEach((p, index) => {
            if (p.length < MIN_PATTERN_BYTES)
                throw new Error(`pattern ${index} is shorter than ${MIN_PATTERN_BYTES} bytes`);
        });
        this.maxLength = patterns.reduce((m, p) => Math.max(m, p.length), 0);
        this.window = Math.min(255, patterns.reduce((m, p) => Math.min(m, p.length), Infinity));
        const m = this.window;
        this.shift.fill(m - BLOCK + 1);
        patterns.forEach((p, index) => {
            for (let j = BLOCK - 1; j < m; j++) {
                const h = blockHash(p, j);
                this.shift[h] = Math.min(this.shift[h], m - 1 - j);
            }
            push(this.byEndBlock, blockHash(p, m - 1), index);
            push(this.byPrefix, prefix(p, 0), index);
            for (let n = 1; n < MIN_PATTERN_BYTES; n++)
                this.shortPrefixes.add(p.toString('latin1', 0, n));
            this.bigrams[(p[0] << 8) | p[1]] = 1;
        });
    }
    /**
     * Calls `onMatch(start, patternIndex)` for every occurrence that starts in [from, to)
     * and lies wholly inside `buf`, in order of start.
     */
    forEachMatch(buf, from, to, onMatch) {
        if (this.patterns.length === 0)
            return;
        const m = this.window;
        const shift = this.shift;
        const n = buf.length;
        const lastEnd = Math.min(n, to + m - 1);
        let end = from + m - 1;
        while (end < lastEnd) {
            const h = blockHash(buf, end);
            const s = shift[h];
            if (s !== 0) {
                end += s;
                continue;
            }
            const start = end - m + 1;
            for (const k of this.byEndBlock.get(h) ?? []) {
                const p = this.patterns[k];
                if (buf[start] === p[0] && start + p.length <= n && buf.compare(p, 0, p.length, start, start + p.length) === 0)
                    onMatch(start, k);
            }
            end++;
        }
    }
    /**
     * The first position at or after `from` where the rest of `buf` is the beginning of
     * some pattern, so a match may still complete there once more bytes arrive;
     * `buf.length` when there is none. Everything before it can be released now.
     */
    partialStart(buf, from) {
        for (let i = Math.max(0, from); i < buf.length; i++) {
            const rest = buf.length - i;
            if (rest < MIN_PATTERN_BYTES) {
                if (this.shortPrefixes.has(buf.toString('latin1', i)))
                    return i;
                continue;
            }
            if (this.bigrams[(buf[i] << 8) | buf[i + 1]] === 0)
                continue;
            const candidates = this.byPrefix.get(prefix(buf, i)) ?? [];
            if (candidates.some((k) => this.patterns[k].length > rest && buf.compare(this.patterns[k], 0, rest, i) === 0))
                return i;
        }
        return buf.length;
    }
}
function push(map, key, value) {
    const list = map.get(key);
    if (list)
        list.push(value);
    else
        map.set(key, [value]);
}
/**
 * Many patterns of 4 to 7 bytes: Wu-Manber can skip at most one byte with them, so each
 * position is looked at instead, as cheaply as possible: the 4-byte word there, one bit
 * of a 128 KiB filter (fits L2), and only on a hit a map lookup and full compares.
 */
class ShortPatternScanner {
    patterns;
    filter = new Int32Array(1 << 15);
    byWord = new Map();
    constructor(patterns) {
        this.patterns = patterns;
        patterns.forEach((p, k) => {
            const w = p.readUInt32LE(0);
            const f = Math.imul(w, 0x9e3779b1) >>> 12;
            this.filter[f >>> 5] |= 1 << (f & 31);
            push(this.byWord, w, k);
        });
    }
    /** Calls `onMatch(start, patternIndex)` for every occurrence in `buf`. */
    forEachMatch(buf, onMatch) {
        const d = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        const filter = this.filter;
        for (let i = 0; i + 4 <= buf.length; i++) {
            const w = d.getUint32(i, true);
            const f = Math.imul(w, 0x9e3779b1) >>> 12;
            if ((filter[f >>> 5] & (1 << (f & 31))) === 0)
                continue;
            for (const k of this.byWord.get(w) ?? []) {
                const p = this.patterns[k];
                if (i + p.length <= buf.length && buf.compare(p, 0, p.length, i, i + p.length) === 0)
                    onMatch(i, k);
            }
        }
    }
}

;// CONCATENATED MODULE: ./src/secrets/values.ts
/**
 * Resolves secret specs to their bytes: the literal value, the environment variable,
 * or the file. Checks what BuildKit and log masking need: not empty, not too short
 * to mask, not over BuildKit's size limit.
 */



/** BuildKit refuses secrets over 500 KiB (MaxSecretSize in buildkit's secret mounts). */
const MAX_SECRET_BYTES = (/* unused pure expression or super */ null && (500 * 1024));
/** Shorter values would be masked everywhere they occur by chance and wreck the log. */
const MIN_SECRET_BYTES = 4;
const NOT_ARRIVED = { secrets: 'empty', 'secret-envs': 'variable unset or empty', 'secret-map': 'not in secrets-json' };
/** Resolves every spec; values that did not arrive are gathered into one MissingSecretsError. */
function resolveSecrets(specs, sources) {
    const context = specs.some((s) => s.input === 'secret-map') ? parseSecretsJson(sources.secretsJson) : {};
    const missing = [];
    const secrets = specs.flatMap((spec) => {
        const value = readValue(spec, sources.env, context);
        // A file is there or not (its own errors); the other kinds arrive empty when the run gets no such secret.
        if (spec.input !== 'secret-files' && (value === undefined || value.length === 0)) {
            missing.push({ id: spec.id, where: `input "${spec.input}", entry ${spec.entry}, ${NOT_ARRIVED[spec.input]}` });
            return [];
        }
        checkSize(spec, value);
        return [{ id: spec.id, input: spec.input, entry: spec.entry, value: value, ...(spec.input === 'secret-files' ? { file: spec.path } : {}) }];
    });
    if (missing.length)
        throw new MissingSecretsError(missing);
    return secrets;
}
/** The value, or undefined when the secret did not arrive (not in secrets-json, the variable unset). */
function readValue(spec, env, context) {
    switch (spec.input) {
        case 'secrets':
            return Buffer.from(spec.value, 'utf8');
        case 'secret-map': {
            const v = Object.hasOwn(context, spec.name) ? context[spec.name] : undefined;
            return typeof v === 'string' ? Buffer.from(v, 'utf8') : undefined;
        }
        case 'secret-envs': {
            const v = env[spec.variable];
            return v === undefined ? undefined : Buffer.from(v, 'utf8');
        }
        case 'secret-files':
            // Relative to the working directory, as buildx itself would resolve it.
            return readSecretFile(spec, path.resolve(spec.path));
    }
}
/** Parsed once; the caller keeps only the values secret-map names. */
function parseSecretsJson(text) {
    if (text.trim() === '')
        throw new InputError('secrets-json', 'is empty but secret-map names secrets: pass secrets-json: ${{ toJSON(secrets) }}');
    try {
        const v = JSON.parse(text);
        if (v && typeof v === 'object' && !Array.isArray(v))
            return v;
    }
    catch {
        // fall through: the message must not quote the text
    }
    throw new InputError('secrets-json', 'is not a JSON object: pass ${{ toJSON(secrets) }}');
}
/** Filesystems whose files are views of the kernel or of processes (/proc/self/environ holds this step's whole environment). */
const PSEUDO_FS = new Set([
    0x9fa0 /* proc */, 0x62656572 /* sysfs */, 0x64626720 /* debugfs */, 0x74726163 /* tracefs */, 0x73636673 /* securityfs */, 0x63677270 /* cgroup2 */,
    0x1cd1 /* devpts */
]);
/**
 * A regular file (links followed) on a real filesystem, read through one descriptor with
 * a size bound: what was checked is what is read. Messages do not quote the path, which
 * may be a pasted secret.
 */
function readSecretFile(spec, file) {
    let fd;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    }
    catch (e) {
        const code = e.code;
        throw new InputError(spec.input, code === 'ENOENT' ? 'file not found (paths are relative to the working directory)' : `cannot open the file (${code ?? 'error'})`, spec.entry);
    }
    try {
        const st = fs.fstatSync(fd);
        if (!st.isFile())
            throw new InputError(spec.input, 'not a regular file', spec.entry);
        if (PSEUDO_FS.has(Number(fs.statfsSync(file).type)))
            throw new InputError(spec.input, 'the file is on a pseudo filesystem (such as /proc): give a file on disk or tmpfs', spec.entry);
        if (st.size > MAX_SECRET_BYTES)
            throw tooBig(spec, st.size);
        const buf = Buffer.alloc(MAX_SECRET_BYTES + 1);
        let n = 0;
        for (let r = 1; r > 0 && n < buf.length; n += r)
            r = fs.readSync(fd, buf, n, buf.length - n, null);
        if (n > MAX_SECRET_BYTES)
            throw tooBig(spec, n);
        return buf.subarray(0, n);
    }
    catch (e) {
        if (e instanceof InputError)
            throw e;
        throw new InputError(spec.input, `cannot read the file (${e.code ?? 'error'})`, spec.entry);
    }
    finally {
        fs.closeSync(fd);
    }
}
function checkSize(spec, value) {
    if (value.length === 0)
        throw new InputError(spec.input, 'the secret value is empty', spec.entry);
    if (value.length < MIN_SECRET_BYTES) {
        throw new InputError(spec.input, `the secret value is shorter than ${MIN_SECRET_BYTES} bytes, too short to mask in logs`, spec.entry);
    }
    if (value.length > MAX_SECRET_BYTES)
        throw tooBig(spec, value.length);
}
function tooBig(spec, size) {
    return new InputError(spec.input, `the secret is ${size} bytes; BuildKit accepts at most ${MAX_SECRET_BYTES} bytes`, spec.entry);
}

;// CONCATENATED MODULE: ./src/detection/variants.ts
/**
 * The byte strings that reveal a secret when they appear in a log or an image, and what
 * to register with the runner. Pure.
 *
 * Two kinds, for the two halves of the search (search.ts):
 * - fragment sources: a value's secret-looking words and their whole encodings, in which
 *   any shared stretch of FRAGMENT_BYTES or more is found (fragments.ts): a piece of a
 *   word, or of its base64 at any alignment, is a stretch of one of these;
 * - exact variants: a value without such words (a passphrase, a short value), its lines,
 *   and their encodings, matched whole.
 */


const variants_form = (name) => (bytes) => ({ bytes: Buffer.from(bytes), form: name });
/** Words up to this size are also searched in their JSON and URI escapes. */
const ESCAPED_SOURCE_MAX = 4096;
function secretForms(value) {
    const words = secretWords(value);
    // A value with secret-looking words is searched by their pieces; its other text (URLs, keys of a
    // config file, YAML structure) is public and stays out. One without (a passphrase) is matched whole.
    if (words.length)
        return { sources: dedupeForms(words.flatMap(wordSources)), exact: [] };
    return { sources: [], exact: maskForms(value) };
}
/**
 * The secret-looking words of a value, for the fragment search. Text is cut at what
 * structures config files and never is part of a token (blanks, control bytes such as
 * line breaks and NUL padding, quotes, `,;:=<>{}[]()` and backslash); a word counts when it has 16+ bytes and at least four
 * capitals or digits: tokens, keys, base64 and hex do, URLs, field names and words don't
 * (`//registry.npmjs.org/` is in every package-lock.json; an `.npmrc` must not make it a
 * finding). Bytes that are not UTF-8 are cut at runs of 4+ equal bytes (padding) and
 * count with 8+ distinct bytes. PEM armor and header lines are left out first (secretParts).
 */
function secretWords(value) {
    return secretParts(value).flatMap((part) => (utf8(part) !== undefined ? textWords(part).filter(looksSecret) : binaryPieces(part)));
}
const WORD_BREAK = new Uint8Array(256);
for (const c of ' "\'`,;:=<>{}[]()\\')
    WORD_BREAK[c.charCodeAt(0)] = 1;
for (let c = 0; c < 0x20; c++)
    WORD_BREAK[c] = 1; // control bytes: line breaks, tabs, NUL padding
WORD_BREAK[0x7f] = 1;
function textWords(b) {
    const words = [];
    for (let i = 0; i < b.length;) {
        while (i < b.length && WORD_BREAK[b[i]])
            i++;
        const start = i;
        while (i < b.length && !WORD_BREAK[b[i]])
            i++;
        if (i - start >= FRAGMENT_BYTES)
            words.push(b.subarray(start, i));
    }
    return words;
}
/** A word a search should find pieces of: 16+ bytes with four or more capitals or digits. */
function looksSecret(word) {
    let n = 0;
    for (const c of word)
        if ((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))
            n++;
    return word.length >= FRAGMENT_BYTES && n >= 4;
}
function binaryPieces(b) {
    const pieces = [];
    let start = 0;
    for (let i = 0; i <= b.length; i++) {
        const run = i + 3 < b.length && b[i] === b[i + 1] && b[i] === b[i + 2] && b[i] === b[i + 3];
        if (i < b.length && !run)
            continue;
        if (i - start >= FRAGMENT_BYTES && new Set(b.subarray(start, i)).size >= 8)
            pieces.push(b.subarray(start, i));
        while (i < b.length && b[i] === b[i + 1])
            i++;
        start = i + 1;
    }
    return pieces;
}
/** Sources of one word: itself, its base64 at each alignment, and (up to 4 KiB) its escapes as encoders write them. */
function wordSources(word) {
    const sources = [variants_form('raw')(word), ...[0, 1, 2].map((shift) => variants_form('base64')(base64Core(word, shift)))];
    const text = utf8(word);
    if (text !== undefined && word.length <= ESCAPED_SOURCE_MAX)
        sources.push(...textEscapes(text)
            .filter((e) => !e.equals(word))
            .map(variants_form(ESCAPED)));
    return sources;
}
const ESCAPED = 'URI or JSON escaped';
/**
 * The parts of a value that are secret, for the fragment search: all of it, except in a
 * PEM block its armor lines and its first body line (two for an OpenSSH key): those are
 * the format's header and, for OpenSSH, the public key — the same in every key of a kind
 * (ssh-add holds the armor; an image with SSH host keys holds the header), so a match
 * there says nothing. A part is a run of the remaining lines, line breaks kept.
 */
function secretParts(value) {
    const text = value.toString('latin1');
    if (!text.includes('-----BEGIN '))
        return [value];
    const parts = [];
    let start = 0;
    let skip = 0;
    let at = 0;
    for (const line of text.split(/(?<=\n)/)) {
        const bare = line.replace(/\r?\n$/, '');
        const armor = isArmor(bare);
        if (armor || skip > 0) {
            if (at > start)
                parts.push(value.subarray(start, at));
            skip = armor ? (bare.startsWith('-----BEGIN ') ? (bare.includes('OPENSSH PRIVATE KEY') ? 2 : 1) : 0) : skip - 1;
            start = at + line.length;
        }
        at += line.length;
    }
    if (at > start)
        parts.push(value.subarray(start, at));
    return parts;
}
/** Every exact variant of the value and its lines, deduplicated, each at least MIN_SECRET_BYTES long. */
function maskVariants(value) {
    return maskForms(value).map((f) => f.bytes);
}
function maskForms(value) {
    const all = pieces(value).flatMap((piece) => [piece, ...encodings(piece.bytes, piece.form === 'raw' ? '' : `${piece.form}, `)]);
    return dedupeForms(all).filter((f) => f.bytes.length >= MIN_SECRET_BYTES);
}
/** The first form of each distinct byte string: the whole value before its pieces, the bytes before an encoding that equals them. */
function dedupeForms(forms) {
    const seen = new Map();
    for (const f of forms)
        if (!seen.has(f.bytes.toString('latin1')))
            seen.set(f.bytes.toString('latin1'), f);
    return [...seen.values()];
}
/** The whole value, without its trailing line break, and each line (CR dropped). */
function pieces(value) {
    return [variants_form('raw')(value), variants_form('raw')(trimTrailingNewlines(value)), ...lines(value).map(variants_form('one line'))];
}
/** The lines of a multi-line value, split at LF, CRLF or a bare CR as the runner splits them; PEM armor left out. */
function lines(value) {
    if (!value.includes(0x0a) && !value.includes(0x0d))
        return [];
    const res = [];
    let start = 0;
    for (let i = 0; i <= value.length; i++) {
        if (i === value.length || value[i] === 0x0a || value[i] === 0x0d) {
            const line = value.subarray(start, i);
            if (line.length && !isArmor(line.toString('latin1')))
                res.push(line);
            start = i + 1;
        }
    }
    return res;
}
/**
 * A PEM armor line (`-----BEGIN OPENSSH PRIVATE KEY-----`) is the same in every key and
 * in the tools that read keys (ssh-add holds it): masking it alone says nothing about the
 * secret and turns every such file into a finding. The whole value still contains it.
 */
function isArmor(line) {
    return /^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(line);
}
function trimTrailingNewlines(b) {
    let end = b.length;
    while (end > 0 && (b[end - 1] === 0x0a || b[end - 1] === 0x0d))
        end--;
    return b.subarray(0, end);
}
/** Line widths of wrapped base64: coreutils/busybox `base64` (76) and PEM/openssl (64). */
const BASE64_WRAPS = [76, 64];
/** `prefix` names the piece ("one line, "), so a form reads "one line, hex". */
function encodings(piece, prefix) {
    const text = utf8(piece);
    return [
        ...byteForms(piece).map((e) => variants_form(`${prefix}${e.form}`)(e.text)),
        ...(text !== undefined ? textEscapes(text).map(variants_form(`${prefix}${ESCAPED}`)) : [])
    ];
}
function byteEncodings(piece) {
    return byteForms(piece).map((e) => e.text);
}
/**
 * What any bytes read as: unpadded base64 at each alignment, also base64url; the first
 * line of the value's own base64, wrapped (a long value encoded on its own is wrapped, and
 * its first line still gives it away); hex in both cases.
 */
function byteForms(piece) {
    const res = [];
    for (let shift = 0; shift < 3; shift++) {
        const core = base64Core(piece, shift);
        res.push({ text: core, form: 'base64' }, { text: core.replaceAll('+', '-').replaceAll('/', '_'), form: 'base64url' });
    }
    const whole = base64Core(piece, 0);
    for (const width of BASE64_WRAPS)
        if (whole.length > width)
            res.push({ text: whole.slice(0, width), form: 'base64, wrapped' });
    res.push({ text: piece.toString('hex'), form: 'hex' }, { text: piece.toString('hex').toUpperCase(), form: 'hex' });
    return res;
}
/** A JSON string's content as JSON.stringify writes it, and as Go's encoding/json does (BuildKit's progress, metadata: <, > and & as \u003c, \u003e, \u0026). */
function jsonForms(text) {
    const json = JSON.stringify(text).slice(1, -1);
    return { json, goJson: json.replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`) };
}
/** The text as URI data (also form-encoded and with lowercase escapes) and in a JSON string (also as Go and Python write it). */
function textEscapes(text) {
    const { json, goJson } = jsonForms(text);
    // Python's json.dumps writes every non-ASCII character as \uXXXX.
    const pyJson = json.replace(/[^ -~]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const uri = encodeURIComponent(text);
    // Forms write a blank as +, and many encoders write %2f where encodeURIComponent writes %2F.
    const form = uri.replaceAll('%20', '+');
    const lower = uri.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    return [uri, json, goJson, pyJson, form, lower].map((e) => Buffer.from(e));
}
/**
 * The part of base64(x) that is the same wherever `piece` sits in x, given that it
 * starts `shift` bytes past a 3-byte boundary: characters mixing in bytes before or
 * after the piece are cut off, and padding is never part of it.
 */
function base64Core(piece, shift) {
    const enc = Buffer.concat([Buffer.alloc(shift), piece])
        .toString('base64')
        .replace(/=+$/, '');
    const tail = (shift + piece.length) % 3 === 0 ? enc : enc.slice(0, -1);
    return tail.slice([0, 2, 3][shift]);
}
function utf8(b) {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(b);
    }
    catch {
        return undefined;
    }
}
/** Values with more lines than this (certificate bundles) register their lines only: see runnerMasks. */
const RUNNER_EXTRA_LINES = 64;
/**
 * What to register with the runner (`::add-mask::`) so later steps' logs are masked too:
 * only what the runner cannot derive. For every string it is given, the runner also
 * masks its base64 (padded, after dropping 0, 1 or 2 leading bytes), JSON, URI, XML and
 * shell escapes (actions/runner ValueEncoders). It cannot derive base64 of the value in
 * the middle of other bytes (unpadded, at each alignment, base64url too), hex, Go's JSON
 * escapes, or the first line of wrapped base64. What is registered is the value's
 * secret-looking words (secretWords) when it has any, else its lines one by one: a
 * command is one line, and the runner would split a multi-line mask into lines and mask
 * even a one-character line (a JSON brace) in every later log. With more than
 * RUNNER_EXTRA_LINES of them, only they are registered, so the runner's cost per log
 * line stays bounded; this step's own scrubber keeps every form regardless.
 */
function runnerMasks(value) {
    // A value with secret-looking words (a config file, a kubeconfig) registers those, not its public lines.
    const words = secretWords(value);
    const ls = lines(value);
    const parts = (words.length ? words : ls.length ? ls : [trimTrailingNewlines(value)]).filter((p) => p.length >= MIN_SECRET_BYTES);
    const extras = parts.length <= RUNNER_EXTRA_LINES;
    const out = new Set();
    for (const part of parts) {
        const text = utf8(part);
        if (text !== undefined && text.trim() !== '')
            out.add(text);
        if (extras || text === undefined)
            for (const v of underivable(part, text))
                out.add(v);
    }
    return [...out];
}
/** What the runner cannot derive from `part`: byteEncodings, and Go's JSON escape where it differs from the runner's JSON. */
function underivable(part, text) {
    const res = byteEncodings(part);
    if (text !== undefined) {
        const { json, goJson } = jsonForms(text);
        if (goJson !== json)
            res.push(goJson);
    }
    return res.filter((v) => v.length >= MIN_SECRET_BYTES);
}

;// CONCATENATED MODULE: ./src/detection/views.ts
/** Grows a typed array of positions without a JS array's per-element cost. */
class Positions {
    data = new Int32Array(64);
    length = 0;
    push(v) {
        if (this.length === this.data.length) {
            const bigger = new Int32Array(this.data.length * 2);
            bigger.set(this.data);
            this.data = bigger;
        }
        this.data[this.length++] = v;
    }
}
const isDigit = (c) => c >= 0x30 && c <= 0x39;
/** Where the content of the line [s, e) starts: after a `#<step> <seconds> ` prefix, or at `s` when it has none. */
function contentStart(b, s, e) {
    let i = s;
    if (b[i] !== 0x23)
        return s; // '#'
    for (i++; i < e && isDigit(b[i]); i++)
        ;
    if (i === s + 1 || b[i] !== 0x20)
        return s;
    const t = ++i;
    for (; i < e && (isDigit(b[i]) || b[i] === 0x2e); i++)
        ;
    return i > t && b[i] === 0x20 ? i + 1 : s;
}
/** Where the content of the line [s, e) ends (`e` at its LF or the buffer's end): before the CR of a CRLF. */
function contentEnd(buf, s, e) {
    return e > s && buf[e - 1] === 0x0d && e < buf.length ? e - 1 : e;
}
/** The step number of a line's `#7 0.512 ` prefix (content starting at `s`), -1 when it has none. */
function progressStep(buf, lineStart, s) {
    if (s === lineStart)
        return -1;
    let n = 0;
    for (let i = lineStart + 1; isDigit(buf[i]); i++)
        n = n * 10 + buf[i] - 0x30;
    return n;
}
/**
 * The text view of the lines in [from, to) (`from` at a line start); with `step`, only the
 * lines of that build step: BuildKit prints parallel steps' lines in turns, and a secret
 * one step prints over several lines is one stretch only among that step's lines.
 */
function textView(buf, from = 0, to = buf.length, step) {
    const bytes = Buffer.allocUnsafe(to - from);
    // Segment k copies buf[segBuf[k], …) to bytes[segView[k], segView[k + 1]).
    const segView = new Positions();
    const segBuf = new Positions();
    let n = 0;
    for (let pos = from; pos < to;) {
        const nl = buf.indexOf(0x0a, pos);
        const end = nl === -1 || nl > to ? to : nl;
        const s = contentStart(buf, pos, end);
        const e = contentEnd(buf, pos, end);
        if (e > s && (step === undefined || progressStep(buf, pos, s) === step)) {
            segView.push(n);
            segBuf.push(s);
            n += buf.copy(bytes, n, s, e);
        }
        pos = end + 1;
    }
    const sources = (a, b) => {
        const res = [];
        for (let k = lastAtOrBefore(segView, a); k < segView.length && segView.data[k] < b; k++) {
            const s0 = Math.max(a, segView.data[k]);
            const s1 = Math.min(b, k + 1 < segView.length ? segView.data[k + 1] : n);
            res.push([segBuf.data[k] + (s0 - segView.data[k]), segBuf.data[k] + (s1 - segView.data[k])]);
        }
        return res;
    };
    return { bytes: bytes.subarray(0, n), sources };
}
/** Where the last `n` bytes of the text view of `buf` begin (at most MAX_TAIL_LINES lines back). */
function textTail(buf, n) {
    let end = buf.length;
    for (let k = 0; k < MAX_TAIL_LINES && end >= 0; k++) {
        const start = lineStartOf(buf, end);
        const s = contentStart(buf, start, end);
        const e = contentEnd(buf, start, end);
        if (e - s >= n)
            return e - n;
        n -= Math.max(0, e - s);
        if (start === 0)
            return 0;
        end = start - 1;
    }
    return end;
}
const MAX_TAIL_LINES = 16;
/** The start of the line that holds position `at - 1` (the line `at` ends or is in); lastIndexOf with a negative index would search from the end. */
function lineStartOf(buf, at) {
    return at <= 0 ? 0 : buf.lastIndexOf(0x0a, at - 1) + 1;
}
function lastAtOrBefore(p, v) {
    let lo = 0;
    let hi = p.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (p.data[mid] <= v)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}
/** Bytes a hex dump is made of: hex digits, blanks, line breaks and the colon of xxd's offset. */
const HEXISH = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF :\r\n')
    HEXISH[c.charCodeAt(0)] = 1;
/**
 * A probe every 16 bytes sees 8 hexish bytes in a row in any hexish run of 23 or more:
 * a dump's line (od's 55, xxd's 49 before its ASCII column), a long hex string, or
 * wrapped hex (line breaks are hexish). Shorter runs are found next to a longer line.
 */
const HEX_PROBE = 16;
/** The hex view of the lines that have a long hexish run, and of the lines next to them (a dump's short first or last line). */
function hexView(buf) {
    const parts = hexParts(buf);
    let room = 0;
    for (let k = 0; k < parts.length; k += 4)
        room += parts.data[k + 1] - parts.data[k];
    const bytes = Buffer.allocUnsafe(room);
    const pos = new Positions();
    let lastLineStart = -1;
    let lastDumpStart = -1;
    for (let k = 0; k < parts.length; k += 4) {
        const d = parts.data;
        if (d[k + 3]) {
            if (decodeRun(buf, d[k], d[k + 1], bytes, pos))
                lastLineStart = d[k + 2];
        }
        else if (decodeHexLine(buf, d[k], d[k + 1], bytes, pos))
            lastLineStart = lastDumpStart = d[k + 2];
    }
    return {
        bytes: bytes.subarray(0, pos.length),
        sources: (a, b) => {
            // Pairs at most one character apart (a blank or a colon) are one range; a wider gap is the next line or column.
            const res = [[pos.data[a], pos.data[a] + 2]];
            for (let i = a + 1; i < b; i++) {
                const last = res[res.length - 1];
                if (pos.data[i] >= last[0] && pos.data[i] - last[1] <= 1 && buf[last[1]] !== 0x0a)
                    last[1] = Math.max(last[1], pos.data[i] + 2);
                else
                    res.push([pos.data[i], pos.data[i] + 2]);
            }
            return res;
        },
        lastLineStart,
        lastDumpStart
    };
}
/**
 * What to decode, in order, four numbers each: start, end, line start, and 0 for a
 * dump's line (decoded whole, with its neighbours: a dump's short first or last line)
 * or 1 for a run of 16+ hex digits in other text (a digest, `key=0x…`).
 */
function hexParts(buf) {
    const out = new Positions();
    let covered = 0;
    const add = (s, e, line, run) => {
        if (s < covered)
            return;
        covered = e;
        out.push(s);
        out.push(e);
        out.push(line);
        out.push(run);
    };
    const addLine = (start) => {
        const nl = buf.indexOf(0x0a, start);
        const end = nl === -1 ? buf.length : nl;
        add(contentStart(buf, start, end), contentEnd(buf, start, end), start, 0);
    };
    // The line of the last probe that hit, found once however many probes hit it (a long line is not searched again each time).
    let s = -1;
    let e = -1;
    let end = -1;
    let dump = false;
    for (let p = 0; p + 8 <= buf.length; p += HEX_PROBE) {
        if (!hexishWindow(buf, p))
            continue;
        if (p >= end || p < s) {
            s = lineStartOf(buf, p + 1);
            e = buf.indexOf(0x0a, p);
            end = e === -1 ? buf.length : e;
            dump = isDumpLine(buf, contentStart(buf, s, end), end);
        }
        if (dump) {
            if (s > 0)
                addLine(lineStartOf(buf, s - 1));
            addLine(s);
            if (e !== -1 && e + 1 < buf.length)
                addLine(e + 1);
            p = end + 1 - HEX_PROBE;
            continue;
        }
        let rs = p;
        while (rs < p + 8 && HEX_VALUE[buf[rs]] < 0)
            rs++;
        while (rs > s && HEX_VALUE[buf[rs - 1]] >= 0)
            rs--;
        const re = hexRunEnd(buf, rs, end);
        if (re - rs >= 2 * GRAM_PAIRS)
            add(rs, re, s, 1);
        p = Math.max(p, re - HEX_PROBE);
    }
    return out;
}
/**
 * A dump's line starts with a hex token, its offset (6+ digits) or its first bytes (even
 * length), that has a decimal digit or is followed by a hex token as long: not a word like "added".
 */
function isDumpLine(buf, s, e) {
    const a0 = sepEnd(buf, s, e);
    const a1 = tokenEnd(buf, a0, e);
    if (a1 === a0 || ((a1 - a0) % 2 !== 0 && a1 - a0 < 6) || hexRunEnd(buf, a0, a1) !== a1)
        return false;
    for (let i = a0; i < a1; i++)
        if (buf[i] <= 0x39)
            return true;
    const b0 = sepEnd(buf, a1, e);
    const b1 = tokenEnd(buf, b0, e);
    return b1 - b0 === a1 - a0 && hexRunEnd(buf, b0, b1) === b1;
}
/** A run shorter than this many hex digit pairs cannot hold a gram of the search. */
const GRAM_PAIRS = 8;
/** A hex run in other text: read from its start, and from its end as well when its length is odd. */
function decodeRun(buf, s, e, out, pos) {
    decodePairs(buf, s, s + ((e - s) & ~1), out, pos);
    if ((e - s) % 2 === 1)
        decodePairs(buf, s + 1, e, out, pos);
    return true;
}
/** Eight hexish bytes with at least five hex digits (not a run of blanks). */
function hexishWindow(buf, p) {
    let digits = 0;
    for (let k = 0; k < 8; k++) {
        const c = buf[p + k];
        if (!HEXISH[c])
            return false;
        if (HEX_VALUE[c] >= 0)
            digits++;
    }
    return digits >= 5;
}
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 16; c++) {
    HEX_VALUE['0123456789abcdef'.charCodeAt(c)] = c;
    HEX_VALUE['0123456789ABCDEF'.charCodeAt(c)] = c;
}
const isSep = (c) => c === 0x20 || c === 0x09 || c === 0x3a || c === 0x0d;
const tokenEnd = (buf, i, e) => {
    while (i < e && !isSep(buf[i]))
        i++;
    return i;
};
const sepEnd = (buf, i, e) => {
    while (i < e && isSep(buf[i]))
        i++;
    return i;
};
/**
 * Decodes the hex tokens of one line into `out` (appending to `pos`): tokens are split
 * by blanks and colons; a first token that is an offset column is skipped; so is any
 * token that is not hex of even length (an ASCII column, a word), except for the hex runs
 * at its ends and a long one inside (`0x…`, `key=…`). Returns whether the line gave any byte.
 */
function decodeHexLine(buf, s, e, out, pos) {
    const a0 = sepEnd(buf, s, e);
    const a1 = tokenEnd(buf, a0, e);
    const b0 = sepEnd(buf, a1, e);
    const b1 = tokenEnd(buf, b0, e);
    const offset = b1 > b0 && isOffset(buf, a0, a1, b0, b1);
    const xxdStyle = offset && buf[a1] === 0x3a;
    const before = pos.length;
    for (let gap = offset ? a1 : s, t = offset ? b0 : a0; t < e;) {
        const u = tokenEnd(buf, t, e);
        const pure = (u - t) % 2 === 0 && hexRunEnd(buf, t, u) === u;
        // Two blanks before a column that is not all hex (or any column, after xxd's offset) start the ASCII column,
        // whatever separators follow them (an ASCII column that starts with a colon: the byte 0x3a).
        if (pos.length > before && twoBlanks(buf, gap, t) && (xxdStyle || !pure))
            break;
        if (pure)
            decodePairs(buf, t, u, out, pos);
        else
            decodeRunsIn(buf, t, u, out, pos);
        gap = u;
        t = sepEnd(buf, u, e);
    }
    return pos.length > before;
}
function twoBlanks(buf, from, to) {
    for (let i = from; i + 1 < to; i++)
        if (buf[i] === 0x20 && buf[i + 1] === 0x20)
            return true;
    return false;
}
/** An offset column: hex of 6+ digits, ending in a colon (xxd) or followed by shorter groups of 2 or 4 (od, hexdump). */
function isOffset(buf, a0, a1, b0, b1) {
    if (a1 - a0 < 6 || hexRunEnd(buf, a0, a1) !== a1)
        return false;
    return buf[a1] === 0x3a || ((b1 - b0 === 2 || b1 - b0 === 4) && hexRunEnd(buf, b0, b1) === b1);
}
/**
 * A token with other characters in it: a run at its end is read up to the blank after it,
 * a run at its start from the blank before it (a dump next to other bytes), and a long
 * run inside it (`0x…`, `key=…`) at both parities.
 */
function decodeRunsIn(buf, t, u, out, pos) {
    for (let i = t; i < u;) {
        const end = hexRunEnd(buf, i, u);
        const n = end - i;
        if (i === t && end === u) {
            // A whole token of odd length: an offset alone on a line (od's last) is short; a longer
            // one is hex folded at an odd width, read both ways (half its lines start mid-byte).
            if (n > 8) {
                decodePairs(buf, i, i + (n & ~1), out, pos);
                decodePairs(buf, i + 1, end, out, pos);
            }
        }
        else if (i === t && n >= 2)
            decodePairs(buf, i, i + (n & ~1), out, pos);
        else if (end === u && n >= 2)
            decodePairs(buf, end - (n & ~1), end, out, pos);
        else if (n >= 2 * FRAGMENT_HEX_PAIRS) {
            decodePairs(buf, i, i + (n & ~1), out, pos);
            decodePairs(buf, i + 1, i + 1 + ((n - 1) & ~1), out, pos);
        }
        i = Math.max(end, i + 1);
    }
}
/** A run shorter than this many pairs cannot hold a fragment. */
const FRAGMENT_HEX_PAIRS = 16;
function hexRunEnd(buf, i, u) {
    while (i < u && HEX_VALUE[buf[i]] >= 0)
        i++;
    return i;
}
function decodePairs(buf, t, u, out, pos) {
    for (let i = t; i + 1 < u; i += 2) {
        out[pos.length] = (HEX_VALUE[buf[i]] << 4) | HEX_VALUE[buf[i + 1]];
        pos.push(i);
    }
}

;// CONCATENATED MODULE: ./src/detection/search.ts
/**
 * The one search for secrets in bytes, used by the log scrubber, the argv and
 * environment checks, the Dockerfile preflight and the image scan. Three paths:
 * - fragments (fragments.ts) of a value's secret-looking words (variants.ts), in the
 *   bytes as they are, in the text view per build step and in the hex view (views.ts):
 *   any stretch of 16+ bytes of a word, of its base64/base64url at any alignment and
 *   wrapping, its hex, its JSON or URI escapes;
 * - exact variants of 8+ bytes (values without such words, and their encodings);
 * - exact variants of 4–7 bytes, kept apart: a 4-byte pattern lets Wu-Manber skip at
 *   most one byte, so it would slow every search; here only when there is one.
 */




/** The start of the last complete line (a hex dump on it may go on in the next line), 0 when there is none. */
function lastCompleteLineStart(buf) {
    const lastLf = buf.lastIndexOf(0x0a);
    return lastLf <= 0 ? 0 : lineStartOf(buf, lastLf);
}
const SHORT_BYTES = 8;
/** 15 bytes in any dump format (od spends 3 characters a byte, and an offset column): what a dump's next line may complete. */
const HEX_HOLD_BYTES = 96;
/** Up to this many short patterns are found with Buffer#indexOf (memchr speed) each. */
const NATIVE_SHORT = 16;
class SecretSearch {
    ids;
    forms;
    long;
    short;
    fragments;
    constructor(
    /** Secret ids by tag; never values. */
    ids, exact, sources, 
    /** The form of the secret each tag's bytes are ("base64", "hex"), for reports; none: "raw". */
    forms = []) {
        this.ids = ids;
        this.forms = forms;
        const group = (keep) => {
            const ps = exact.filter((p) => keep(p.bytes));
            const matcher = new PatternMatcher(ps.map((p) => p.bytes));
            return { matcher, tags: ps.map((p) => p.tag), each: matchingWay(matcher) };
        };
        this.long = group((b) => b.length >= SHORT_BYTES);
        this.short = group((b) => b.length < SHORT_BYTES);
        this.fragments = new FragmentIndex(sources);
    }
    static forSecrets(secrets) {
        const exact = [];
        const sources = [];
        const labels = [];
        const tags = new Map();
        const tagOf = (id, form) => {
            const key = `${id}\0${form}`;
            if (!tags.has(key))
                tags.set(key, labels.push({ id, form }) - 1);
            return tags.get(key);
        };
        // A tag for each form of each secret: a match names the secret's id and the form it was found in.
        for (const s of secrets) {
            const forms = secretForms(s.value);
            exact.push(...forms.exact.map((f) => ({ bytes: f.bytes, tag: tagOf(s.id, f.form) })));
            sources.push(...forms.sources.map((f) => ({ bytes: f.bytes, tag: tagOf(s.id, f.form) })));
        }
        return new SecretSearch(labels.map((l) => l.id), exact, sources, labels.map((l) => l.form));
    }
    /** How a match shows the secret, in words: "base64", "a piece of: hex", "raw, in a hex dump". Never the value. */
    formOf(m) {
        const form = this.forms[m.tag] ?? 'raw';
        const piece = m.whole === false ? `a piece of: ${form}` : form;
        return m.view === 'hex' ? `${piece}, in a hex dump` : m.view === 'text' ? `${piece}, across lines` : piece;
    }
    get empty() {
        return this.fragments.size === 0 && this.long.tags.length === 0 && this.short.tags.length === 0;
    }
    /** Counts for reports and benchmarks. */
    get stats() {
        return {
            exactPatterns: this.long.tags.length + this.short.tags.length,
            fragmentSourceBytes: this.fragments.size,
            memoryBytes: this.fragments.memoryBytes
        };
    }
    find(buf) {
        const matches = [];
        const exactHold = Math.min(partialHold(this.long, buf), partialHold(this.short, buf));
        let hold = exactHold;
        let idleHold = exactHold;
        const exact = this.long.tags.length + this.short.tags.length > 0;
        const hex = this.fragments.size > 0 || exact ? hexView(buf) : undefined;
        if (this.fragments.size > 0) {
            // Stretches inside a line are found in the bytes as they are; one that crosses a line break shows at a line end.
            this.fragments.find(buf, (span) => matches.push(span));
            for (const r of this.seamRegions(buf))
                this.inView(textView(buf, r.from, r.to, r.step), matches, 'text');
            if (hex.bytes.length)
                this.inView(hex, matches, 'hex');
            // A dump on the last lines may go on: hold its last line, but never more than a dump line's worth (a long unended line of hex is not held whole).
            const lastComplete = lastCompleteLineStart(buf);
            const held = (start) => (start >= lastComplete ? Math.max(start, buf.length - HEX_HOLD_BYTES) : buf.length);
            idleHold = Math.min(idleHold, held(hex.lastDumpStart));
            hold = Math.min(hold, textTail(buf, FRAGMENT_BYTES - 1), held(hex.lastLineStart));
        }
        this.exactIn(buf, matches);
        // A short value spelled in a hex dump's columns: the exact patterns over the decoded bytes.
        if (exact && hex.bytes.length) {
            const decoded = [];
            this.exactIn(hex.bytes, decoded);
            for (const m of decoded)
                for (const [start, end] of hex.sources(m.start, m.end))
                    matches.push({ start, end, tag: m.tag, view: 'hex' });
        }
        matches.sort((a, b) => a.start - b.start || b.end - a.end);
        return { matches, hold, idleHold };
    }
    /**
     * Pairs of lines of one build step (merged when they touch) where a stretch may cross the
     * break: the last 8 content bytes of the first, or the first 8 of the second, are a source
     * gram. A stretch of 16 has 8 bytes on one side. A step's next line is the next line with
     * the same `#N` prefix (parallel steps print in turns); lines without one follow each other.
     * (Lines shorter than 8 bytes in the middle of a stretch are not looked through: docs/security-model.md.)
     */
    seamRegions(buf) {
        const d = viewOf(buf);
        const regions = [];
        const open = new Map();
        for (let start = 0; start < buf.length;) {
            const nl = buf.indexOf(0x0a, start);
            const end = nl === -1 ? buf.length : nl;
            const s = contentStart(buf, start, end);
            const e = contentEnd(buf, start, end);
            const step = progressStep(buf, start, s);
            const prev = open.get(step);
            let region = prev?.region;
            if (prev && ((prev.e - prev.s >= GRAM && this.fragments.hasGram(buf, d, prev.e - GRAM)) || (e - s >= GRAM && this.fragments.hasGram(buf, d, s)))) {
                if (region && region.to >= prev.start)
                    region.to = end;
                else
                    regions.push((region = { from: prev.start, to: end, step }));
            }
            open.set(step, { region, start, s, e });
            if (nl === -1)
                break;
            start = nl + 1;
        }
        return regions;
    }
    /** Ids of the secrets found in `text`, without duplicates. */
    idsIn(text) {
        const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
        return [...new Set(this.find(buf).matches.map((m) => this.ids[m.tag]))];
    }
    inView(view, out, kind) {
        this.fragments.find(view.bytes, (s) => {
            for (const [start, end] of view.sources(s.start, s.end))
                out.push({ start, end, tag: s.tag, whole: s.whole, view: kind });
        });
    }
    /** Occurrences of every exact pattern in `buf`. */
    exactIn(buf, out) {
        for (const { matcher, tags, each } of [this.long, this.short]) {
            if (tags.length)
                each(buf, (start, k) => out.push({ start, end: start + matcher.patterns[k].length, tag: tags[k] }));
        }
    }
}
/** The first position where a pattern of the group may still complete once more bytes arrive; `buf.length` when none can. */
function partialHold({ matcher: m }, buf) {
    return m.patterns.length ? m.partialStart(buf, buf.length - (m.maxLength - 1)) : buf.length;
}
/**
 * How a group's patterns are found: a few short ones with Buffer#indexOf each (memchr
 * speed), many short ones by a scan of every position (Wu-Manber would skip at most a
 * byte), longer ones by Wu-Manber.
 */
function matchingWay(matcher) {
    const { patterns } = matcher;
    if (matcher.maxLength >= SHORT_BYTES)
        return (buf, onMatch) => matcher.forEachMatch(buf, 0, buf.length, onMatch);
    if (patterns.length > NATIVE_SHORT) {
        const scanner = new ShortPatternScanner(patterns);
        return (buf, onMatch) => scanner.forEachMatch(buf, onMatch);
    }
    return (buf, onMatch) => patterns.forEach((p, k) => {
        for (let i = buf.indexOf(p); i !== -1; i = buf.indexOf(p, i + 1))
            onMatch(i, k);
    });
}

;// CONCATENATED MODULE: ./src/detection/redactor.ts
/**
 * Replaces every occurrence of a secret, whole or in pieces (search.ts), with `***`,
 * in whole strings and in streams where a value may be split across any number of chunks.
 */


const REDACTED = '***';
const REDACTED_BYTES = Buffer.from(REDACTED);
/** A stream idle this long releases what is held back only because a fragment might continue. */
const IDLE_RELEASE_MS = 250;
/** Bytes kept before the unsent ones, so the views see the line and the fragment they continue. */
const CONTEXT_BYTES = 256;
const MAX_CONTEXT_BYTES = 4096;
class Redactor {
    search;
    constructor(search) {
        this.search = search;
    }
    /** Every secret: fragments of its forms and exact variants of its short pieces. */
    static forSecrets(secrets) {
        return new Redactor(SecretSearch.forSecrets(secrets));
    }
    /** Exact patterns only, each tagged: for tests of the exact path. */
    static exact(patterns) {
        const ids = [...new Set(patterns.map((p) => p.tag))];
        return new Redactor(new SecretSearch(ids, patterns.map((p) => ({ bytes: p.bytes, tag: ids.indexOf(p.tag) })), []));
    }
    scrub(text) {
        if (this.search.empty)
            return text;
        return this.scrubBuffer(Buffer.from(text, 'utf8')).toString('utf8');
    }
    scrubBuffer(buf) {
        const s = new StreamScrubber(this.search);
        return Buffer.concat([s.push(buf), s.flush()]);
    }
    /** Ids of the secrets found in `text`, without duplicates. */
    secretsIn(text) {
        return this.search.idsIn(text);
    }
    /** A scrubbing transform; `onRedaction` is called for each `***` it puts in. */
    stream(onRedaction) {
        const s = new StreamScrubber(this.search, onRedaction);
        let timer;
        const release = () => {
            const out = s.idle();
            if (out.length)
                t.push(out);
        };
        const t = new external_node_stream_.Transform({
            transform(chunk, _enc, done) {
                clearTimeout(timer);
                const out = s.push(chunk);
                // A stalled build still shows its last line; what a fragment rule held is sent after a pause.
                if (s.holding)
                    timer = setTimeout(release, IDLE_RELEASE_MS).unref();
                done(null, out);
            },
            flush(done) {
                clearTimeout(timer);
                done(null, s.flush());
            }
        });
        return t;
    }
}
/**
 * Positions are absolute stream offsets. `carry` keeps the bytes not yet sent plus some
 * context before them; `emitted` is how far output has gone. Output stops at the safe
 * point: where an exact pattern may be starting, or the last 15 bytes of the views (a
 * fragment may go on). A match that starts before the safe point is redacted to its
 * end, so output may run past the safe point; a later match overlapping an
 * already-sent stretch (a fragment found again with more bytes) has its remainder
 * suppressed, marked with `***` unless it continues the last redaction.
 */
class StreamScrubber {
    search;
    onRedaction;
    carry = Buffer.alloc(0);
    carryStart = 0;
    emitted = 0;
    /** Where the last `***` sent ends: a match running on from there is the same redaction. */
    redactedTo = -1;
    constructor(search, onRedaction) {
        this.search = search;
        this.onRedaction = onRedaction;
    }
    /** Chunks too small to be worth searching the kept context again for (one byte at a time), waiting. */
    pending = [];
    pendingBytes = 0;
    push(chunk) {
        // Each search reads the kept context again: tiny chunks wait until they are worth it (or the stream pauses).
        if (this.carry.length >= 1024 && (this.pendingBytes + chunk.length) * 16 < this.carry.length) {
            this.pending.push(chunk);
            this.pendingBytes += chunk.length;
            return Buffer.alloc(0);
        }
        return this.process(this.takePending(chunk), 'more');
    }
    /** Sends what is held only because a fragment might continue. */
    idle() {
        return this.process(this.takePending(Buffer.alloc(0)), 'idle');
    }
    flush() {
        return this.process(this.takePending(Buffer.alloc(0)), 'final');
    }
    get holding() {
        return this.pendingBytes > 0 || this.emitted < this.carryStart + this.carry.length;
    }
    takePending(chunk) {
        if (!this.pending.length)
            return chunk;
        const all = Buffer.concat([...this.pending, chunk]);
        this.pending = [];
        this.pendingBytes = 0;
        return all;
    }
    process(chunk, mode) {
        if (this.search.empty)
            return chunk;
        const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
        const base = this.carryStart;
        const { matches, hold, idleHold } = this.search.find(buf);
        const safe = base + (mode === 'final' ? buf.length : mode === 'idle' ? idleHold : hold);
        const out = [];
        let pos = this.emitted;
        for (const m of matches) {
            const start = base + m.start;
            const stop = base + m.end;
            if (start >= safe)
                break;
            if (stop <= pos)
                continue;
            if (start >= pos)
                out.push(buf.subarray(pos - base, start - base), REDACTED_BYTES);
            // The rest of a secret whose start was already sent (after a pause) is cut, and says so.
            else if (this.redactedTo !== pos)
                out.push(REDACTED_BYTES);
            this.onRedaction?.();
            pos = stop;
            this.redactedTo = stop;
        }
        const cut = Math.max(pos, safe);
        out.push(buf.subarray(pos - base, cut - base));
        this.emitted = cut;
        const keepFrom = contextStart(buf, Math.min(safe, cut) - base);
        this.carry = keepFrom === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(keepFrom));
        this.carryStart = base + keepFrom;
        return out.length === 1 ? out[0] : Buffer.concat(out);
    }
}
/** Where to keep bytes from so that `at` stays in view with the line it is on and some bytes before. */
function contextStart(buf, at) {
    const x = Math.max(0, at - CONTEXT_BYTES);
    const lineStart = x === 0 ? 0 : buf.lastIndexOf(0x0a, x - 1) + 1;
    return Math.max(lineStart, at - MAX_CONTEXT_BYTES, 0);
}

;// CONCATENATED MODULE: ./src/report/log.ts
/**
 * The action's only way to print, annotate, set outputs and state, or fail. A Log is
 * made from the resolved secrets and registers every variant with the runner
 * (`::add-mask::`) and with the action's own scrubber as it is made, so nothing can
 * be printed before the masks exist: there is no other printer to reach for.
 */




/** What could make the runner read a printed line as a command: a line break (LF or a bare CR ends a line), `::`, or the old `##[` form anywhere in a line. */
const MAY_COMMAND = /[\r\n]|::|##\[/;
/** What this process saved for the post step, as the post step will get it (the last value of each name). */
const saved = new Map();
const savedState = (name) => saved.get(name);
class Log {
    redactor;
    constructor(redactor) {
        this.redactor = redactor;
    }
    /** Registers every secret with the runner (what it cannot derive itself: runnerMasks), then returns the Log. */
    static forSecrets(secrets) {
        const redactor = Redactor.forSecrets(secrets);
        for (const text of new Set(secrets.flatMap((s) => runnerMasks(s.value))))
            core/* setSecret */.Pq(text);
        return new Log(redactor);
    }
    scrub(text) {
        return this.redactor.scrub(text);
    }
    /**
     * A plain line. core.info prints it as it is, so text that the runner could read as a
     * workflow command (a line break, then `::…` or `##[…`; names from the image are such
     * text) is printed inside the stop-commands fence instead. Annotations, groups, debug
     * lines, outputs and state are escaped by @actions/core.
     */
    info(msg) {
        const text = this.scrub(msg);
        if (!MAY_COMMAND.test(text))
            return core/* info */.pq(text);
        const token = (0,external_node_crypto_.randomBytes)(16).toString('hex');
        process.stdout.write(`::stop-commands::${token}\n${text}\n::${token}::\n`);
    }
    debug(msg) {
        core/* debug */.Yz(this.scrub(msg));
    }
    notice(msg, props) {
        core/* notice */.lm(this.scrub(msg), props);
    }
    warning(msg, props) {
        core/* warning */.$e(this.scrub(msg), props);
    }
    error(msg, props) {
        core/* error */.z3(this.scrub(msg), props);
    }
    /** Fails the step with one error annotation, on a file and line when there is one. */
    fail(msg, props) {
        if (!props)
            return core/* setFailed */.C1(this.scrub(msg));
        core/* error */.z3(this.scrub(msg), props);
        process.exitCode = 1;
    }
    /** A collapsible group in the log around `fn`. */
    async group(title, fn) {
        core/* startGroup */.Oh(this.scrub(title));
        try {
            return await fn();
        }
        finally {
            core/* endGroup */.N4();
        }
    }
    setOutput(name, value) {
        core/* setOutput */.uH(name, this.scrub(value));
    }
    saveState(name, value) {
        // Recorded first: if the state file cannot be written, main still knows what it made.
        saved.set(name, value);
        core/* saveState */.LZ(name, value);
    }
    /**
     * Runs `fn` with untrusted output (what docker and the Dockerfile's RUN steps print)
     * fenced off: between `::stop-commands::<token>` and `::<token>::` the runner acts on
     * no workflow command, and the token is random, so the output cannot end the fence.
     */
    async fenced(fn) {
        const token = (0,external_node_crypto_.randomBytes)(16).toString('hex');
        process.stdout.write(`::stop-commands::${token}\n`);
        try {
            return await fn();
        }
        finally {
            process.stdout.write(`\n::${token}::\n`);
        }
    }
    /** The job summary, rendered by the caller from values that pass the scrubber here. */
    async summary(write) {
        if (!process.env.GITHUB_STEP_SUMMARY)
            return;
        await write(core/* summary */.z, (t) => this.scrub(t)).write();
    }
}

// EXTERNAL MODULE: ./src/leak-guard/exports-state.ts
var exports_state = __webpack_require__(956);
;// CONCATENATED MODULE: ./src/leak-guard/exports.ts
/**
 * What the build leaves on the runner until it is published or thrown away: the work
 * directory (the OCI export, cache layouts, outputs inside the context), each file
 * output's copy beside its destination, and on the classic image store the untagged
 * image loaded for the scan (by buildx's id file until main has read the id). None of it
 * has been scanned while the step runs, so every
 * way out removes it: the `finally`, a cancellation signal (synchronously, as the vault),
 * and the post step after a killed main, from the state recorded here as the vault's is.
 */





class Exports {
    log;
    paths = [];
    image = '';
    idFile = '';
    constructor(log) {
        this.log = log;
    }
    add(...paths) {
        this.paths.push(...paths.map((p) => path.resolve(p)));
        this.save();
    }
    /** Before a build that loads its image into the classic store: where buildx will write its id (exports-state.ts says why). */
    loadsInto(idFile) {
        this.idFile = idFile;
        this.save();
    }
    /** The untagged image the classic store loaded for the scan: removed on every way out, until it is published. */
    loaded(id) {
        this.image = id;
        this.idFile = '';
        this.save();
    }
    /** The loaded image is published (tagged, pushed, or loaded as asked): no longer the action's to remove. */
    published() {
        this.image = '';
        this.idFile = '';
        this.save();
    }
    /** Synchronous: a signal handler calls it. What could not be removed stays in the state, for the post step. */
    dispose() {
        // Read before the work directory that holds it goes.
        if (!this.image && this.idFile)
            this.image = idIn(this.idFile);
        this.idFile = '';
        const left = this.paths.filter((p) => !removeExport(p));
        if (this.image && removeImageNow(this.image, this.log))
            this.image = '';
        this.paths.splice(0, this.paths.length, ...left);
        this.save();
        if (this.image)
            left.push(`the unscanned image ${this.image}`);
        if (left.length)
            throw new Error(`could not remove ${left.join(', ')}; the post step will try again`);
    }
    save() {
        this.log.saveState(EXPORTS_STATE_KEY, this.paths.length ? JSON.stringify(this.paths) : '');
        this.log.saveState(LOADED_IMAGE_STATE_KEY, this.image);
        this.log.saveState(LOADED_IMAGE_ID_FILE_STATE_KEY, this.idFile);
    }
}
/** Removes the paths the action named; a path with another name (a forged state) is left alone. Returns those removed. */
function removeExports(paths) {
    return paths.filter((p) => (0,exports_state/* present */.Eb)(p) && removeExport(p));
}
/** Whether `p` is gone now (a path not named as the action names its exports is never removed). */
function removeExport(p) {
    if (!(0,exports_state/* present */.Eb)(p))
        return true;
    if (!(0,exports_state/* isExportPath */.Mr)(p))
        return false;
    try {
        external_node_fs_.rmSync(p, { recursive: true, force: true, maxRetries: 2 });
        return true;
    }
    catch {
        return false;
    }
}
/**
 * The post step: the image main loaded for the scan and could not remove, removed while it is
 * still untagged (never published). Whether it was removed.
 */
async function removeUntaggedImage(id) {
    const log = Log.forSecrets([]);
    const tags = await capture(['image', 'inspect', '--format', '{{len .RepoTags}}', id], log);
    if (tags.code !== 0 || tags.stdout.trim() !== '0')
        return false;
    return process_removeImageNow(id, log);
}


/***/ })

};
