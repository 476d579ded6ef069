export const id = 18;
export const ids = [18];
export const modules = {

/***/ 916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   lZ: () => (/* binding */ ActionError)
/* harmony export */ });
/* unused harmony exports InputError, MissingSecretsError, PhaseFailure, unwrapFailure, messageOf */
/**
 * A problem with the action's inputs. Messages name the input and the entry number,
 * never any text of the entry itself: an entry may be (part of) a secret.
 */
class InputError extends Error {
    constructor(input, message, entry) {
        super(entry === undefined ? `input "${input}": ${message}` : `input "${input}", entry ${entry}: ${message}`);
        this.name = 'InputError';
    }
}
/** A failure with a known cause and a hint on how to fix it; `line`: the Dockerfile line it is about. */
class ActionError extends Error {
    line;
    constructor(message, line) {
        super(message);
        this.line = line;
        this.name = 'ActionError';
    }
}
/**
 * Secrets the workflow meant to pass but that reached the action empty or absent: an
 * undefined `${{ secrets.X }}`, or a run that gets no secrets at all (a pull request
 * from a fork, Dependabot). Each entry is named by input, entry and id, never by value.
 */
class MissingSecretsError extends Error {
    missing;
    constructor(missing) {
        super(`no value for secret${missing.length === 1 ? '' : 's'} ${missing.map((m) => `"${m.id}" (${m.where})`).join(', ')}`);
        this.missing = missing;
        this.name = 'MissingSecretsError';
    }
}
/**
 * A phase that failed after it had found something out (the preflight's counts, the
 * scan's findings): the error it failed with, as `cause`, and those facts, for the summary.
 */
class PhaseFailure extends Error {
    cause;
    facts;
    constructor(cause, facts) {
        super(cause instanceof Error ? cause.message : String(cause));
        this.cause = cause;
        this.facts = facts;
        this.name = 'PhaseFailure';
    }
}
/** The error itself and the facts behind it: a PhaseFailure unwrapped, any other error with none. */
function unwrapFailure(e) {
    return e instanceof PhaseFailure ? { cause: e.cause, facts: e.facts } : { cause: e, facts: { checks: [], notScanned: [] } };
}
/** The text to show for an error: ours as they are, anything else with its name. */
function messageOf(e) {
    if (e instanceof InputError || e instanceof ActionError)
        return e.message;
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 12 modules
var core = __webpack_require__(143);
// EXTERNAL MODULE: ./src/leak-guard/exports-state.ts
var exports_state = __webpack_require__(956);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(916);
// EXTERNAL MODULE: ./src/secrets/vault-state.ts
var vault_state = __webpack_require__(449);
;// CONCATENATED MODULE: ./src/secrets/vault.ts
/**
 * The vault: a private directory on a memory-backed filesystem holding one file per
 * secret. Directory 0700, files 0600, created exclusively without following links.
 */





const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;
const VAULT_PREFIX = 'secret-build-';
function isMemoryBacked(dir) {
    try {
        const type = Number(fs.statfsSync(dir).type);
        return type === TMPFS_MAGIC || type === RAMFS_MAGIC;
    }
    catch {
        return false;
    }
}
function usable(dir) {
    try {
        const st = fs.statSync(dir);
        if (!st.isDirectory() || !safeParent(st))
            return false;
        fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
        return isMemoryBacked(dir);
    }
    catch {
        return false;
    }
}
/**
 * Whoever else may rename entries in the base could swap our vault for a symlink
 * between mkdtemp and the writes: the base must belong to us or root, and if others
 * may write to it, the sticky bit must stop them touching our entries (as on /dev/shm).
 */
function safeParent(st) {
    const uid = process.getuid?.();
    const ownerOk = uid === undefined || st.uid === uid || st.uid === 0;
    const sharedWritable = (st.mode & 0o022) !== 0;
    return ownerOk && (!sharedWritable || (st.mode & 0o1000) !== 0);
}
/** Where the vault goes: the first writable tmpfs among the candidates, else a refusal or the opted-in fallback. */
function chooseVaultBase(o) {
    const env = o.env ?? process.env;
    const uid = process.getuid?.() ?? 0;
    const candidates = o.tmpfsDir ? [o.tmpfsDir] : [env.XDG_RUNTIME_DIR, `/run/user/${uid}`, '/dev/shm'].filter((d) => !!d);
    const found = candidates.find(usable);
    if (found)
        return { dir: found, kind: 'tmpfs' };
    const tried = candidates.join(', ');
    if (o.allowDiskFallback && o.runnerTemp)
        return { dir: o.runnerTemp, kind: 'disk-fallback' };
    throw new ActionError(`no writable tmpfs for the secret vault (tried ${tried}; a directory must be a tmpfs, writable, ` +
        'and owned by this user or root, with the sticky bit if others may write to it). ' +
        (o.tmpfsDir ? 'Point tmpfs-dir at a writable tmpfs mount, ' : 'Mount a tmpfs (e.g. /dev/shm) or set tmpfs-dir, ') +
        'or set allow-disk-fallback: true to accept secrets on disk under RUNNER_TEMP.');
}
/** Creates the private vault directory; mkdtemp's random name defeats pre-planted paths. */
function createVaultDir(base) {
    const dir = fs.mkdtempSync(path.join(base, VAULT_PREFIX));
    fs.chmodSync(dir, 0o700);
    const st = fs.lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
        throw new ActionError(`vault directory ${dir} is not a private directory of this user`);
    }
    try {
        writeVaultFile(path.join(dir, MARKER), Buffer.from(randomBytes(16).toString('hex')));
    }
    catch (e) {
        // Not yet in the step's state (that needs the marker): removed here or nowhere. It holds no secret yet.
        fs.rmSync(dir, { recursive: true, force: true });
        throw e;
    }
    return dir;
}
/** The random token written into a vault when it is made: the post step removes only a directory holding the token it was given. */
function vaultMarker(dir) {
    return external_node_fs_.readFileSync(external_node_path_.join(dir, MARKER), 'utf8');
}
const MARKER = '.secret-build-vault';
const VAULT_FILE = /^secret-\d+$/;
/** A vault holds its marker and secret-N files, nothing else: anything more is not ours to delete. */
function assertOnlyVaultFiles(dir, marker) {
    for (const name of external_node_fs_.readdirSync(dir)) {
        const ok = (name === MARKER || VAULT_FILE.test(name)) && external_node_fs_.lstatSync(external_node_path_.join(dir, name)).isFile();
        if (!ok)
            throw new errors/* ActionError */.lZ(`refusing to remove ${dir}: it holds entries a secret-build vault never has`);
    }
    if (!external_node_fs_.existsSync(external_node_path_.join(dir, MARKER)) || vaultMarker(dir) !== marker) {
        throw new errors/* ActionError */.lZ(`refusing to remove ${dir}: it is not the vault this run created (its marker differs)`);
    }
}
const EXCLUSIVE = external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | external_node_fs_.constants.O_NOFOLLOW;
/** Writes one secret file: fails if anything, a symlink included, is already at the path. */
function writeVaultFile(file, value) {
    const fd = fs.openSync(file, EXCLUSIVE, 0o600);
    try {
        fs.fchmodSync(fd, 0o600);
        writeAll(fd, value);
    }
    finally {
        fs.closeSync(fd);
    }
}
/** Every byte, or an error: a short write on a full tmpfs would hand buildx a truncated secret. */
function writeAll(fd, value) {
    let done = 0;
    try {
        while (done < value.length) {
            const n = fs.writeSync(fd, value, done, value.length - done);
            if (n <= 0)
                throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
            done += n;
        }
    }
    catch (e) {
        const code = e.code;
        if (code === 'ENOSPC' || code === 'EDQUOT') {
            throw new ActionError(`no space left on the secret vault's tmpfs for a ${value.length}-byte secret (${done} bytes written): give tmpfs-dir a larger tmpfs, or free space on it`);
        }
        throw e;
    }
}
/**
 * Removes a vault: overwrites each regular file with zeros (pages of a tmpfs are freed
 * on unlink anyway, but a disk fallback keeps blocks), then deletes the directory.
 * Refuses anything that is not one of our vaults. Returns false if it was already gone.
 */
function removeVault(dir, marker) {
    let st;
    try {
        st = external_node_fs_.lstatSync(dir);
    }
    catch {
        return false;
    }
    const uid = process.getuid?.();
    if (!st.isDirectory() || !external_node_path_.basename(dir).startsWith(VAULT_PREFIX) || (uid !== undefined && st.uid !== uid)) {
        throw new errors/* ActionError */.lZ(`refusing to remove ${dir}: not a secret-build vault directory of this user`);
    }
    // Given a marker (the post step, from saved state): only that vault, holding only vault files. Without (main's own session): its vault.
    if (marker !== undefined)
        assertOnlyVaultFiles(dir, marker);
    for (const name of external_node_fs_.readdirSync(dir))
        wipe(external_node_path_.join(dir, name));
    external_node_fs_.rmSync(dir, { recursive: true, force: true });
    return true;
}
function wipe(file) {
    try {
        const st = external_node_fs_.lstatSync(file);
        if (!st.isFile())
            return;
        const fd = external_node_fs_.openSync(file, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_NOFOLLOW);
        try {
            external_node_fs_.writeSync(fd, Buffer.alloc(st.size), 0, st.size, 0);
        }
        finally {
            external_node_fs_.closeSync(fd);
        }
    }
    catch {
        // Best effort: removal below is what matters.
    }
}
function defaultRunnerTemp() {
    return process.env.RUNNER_TEMP || os.tmpdir();
}
/** Where main records the vault path for the post step, and the vault's marker. */


;// CONCATENATED MODULE: ./src/post.ts
/**
 * The post step (`post-if: always()`): the backstop for a main step that was killed
 * before its `finally` ran. Reads only saved state and removes only what main recorded
 * there: the vault, and the build's unscanned exports (leak-guard/exports.ts). It loads
 * nothing else unless there is an image to remove, so it starts fast and has nothing to
 * print but its own messages.
 */



async function run() {
    removeLeftVault();
    await removeLeftExports();
}
function removeLeftVault() {
    const vault = core/* getState */.Gu(vault_state/* VAULT_STATE_KEY */.N);
    if (!vault)
        return;
    try {
        // Only the directory this run created: its marker must be the one main saved with it.
        if (removeVault(vault, core/* getState */.Gu(vault_state/* VAULT_MARKER_KEY */._)))
            core/* info */.pq('secret-build post: removed a secret vault the main step left behind');
    }
    catch (e) {
        core/* warning */.$e(`secret-build post: could not remove the secret vault ${vault}: ${e.message}`);
    }
}
/** Paths by the names only the action gives them; an image only while it is untagged (the scan's, never published). */
async function removeLeftExports() {
    const paths = parsePaths(core/* getState */.Gu(exports_state/* EXPORTS_STATE_KEY */.ib));
    const image = core/* getState */.Gu(exports_state/* LOADED_IMAGE_STATE_KEY */.kF);
    if (!paths.length && !image)
        return;
    // One chunk for all of it (the removals, docker, the Log): loaded only when something is left.
    const { removeExports, removeUntaggedImage } = await __webpack_require__.e(/* import() */ 621).then(__webpack_require__.bind(__webpack_require__, 621));
    try {
        const removed = removeExports(paths);
        if (removed.length)
            core/* info */.pq(`secret-build post: removed ${removed.length} unscanned build export(s) the main step left behind`);
    }
    catch (e) {
        core/* warning */.$e(`secret-build post: could not remove the build's exports: ${e.message}`);
    }
    if (image && (await removeUntaggedImage(image)))
        core/* info */.pq('secret-build post: removed the unscanned image the main step had loaded');
}
function parsePaths(state) {
    try {
        const v = JSON.parse(state || '[]');
        return Array.isArray(v) ? v.filter((p) => typeof p === 'string') : [];
    }
    catch {
        return [];
    }
}


/***/ })

};
