import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 568:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _post_gate_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(293);
// Bundle entry of the post step (dist/post): the runner executes this file.
//
// The runner starts it unless main wrote, as its last act, that nothing is left
// (post-gate.ts). When it does start (main killed, cancelled, or unsure), this entry first
// looks with only what the runner passes (the saved state as STATE_<name>, which is all
// @actions/core's getState reads) and an lstat each, the same test main made (leftBehind),
// and loads the post step proper (src/post.ts: @actions/core, the checked removals; a
// chunk of its own) only when something main saved is still there. Nothing is printed
// when it is gone.

if ((0,_post_gate_js__WEBPACK_IMPORTED_MODULE_0__/* .leftBehind */ .aU)((key) => process.env[`STATE_${key}`])) {
    const { run } = await __nccwpck_require__.e(/* import() */ 18).then(__nccwpck_require__.bind(__nccwpck_require__, 18));
    await run();
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 956:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Eb: () => (/* binding */ present),
/* harmony export */   Mr: () => (/* binding */ isExportPath),
/* harmony export */   jv: () => (/* binding */ loadedImage),
/* harmony export */   m2: () => (/* binding */ savedPaths)
/* harmony export */ });
/* unused harmony exports EXPORTS_STATE_KEY, LOADED_IMAGE_STATE_KEY, LOADED_IMAGE_ID_FILE_STATE_KEY, idIn */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/**
 * The state keys under which main records the build's exports for the post step, and the
 * names the action gives them. Imports only node:fs: the post step's entry reads it at start.
 */

/** Whether a path exists, as itself (a symlink is not followed). */
function present(p) {
    try {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync(p);
        return true;
    }
    catch {
        return false;
    }
}
const EXPORTS_STATE_KEY = 'exports';
const LOADED_IMAGE_STATE_KEY = 'loaded-image';
/**
 * On the classic store, before the build: the file buildx writes the loaded image's id to.
 * The engine holds the image before main can read its id (and keeps it if buildx then
 * fails), so the id is looked for there on every way out until main has recorded it.
 */
const LOADED_IMAGE_ID_FILE_STATE_KEY = 'loaded-image-id-file';
/** The export paths main saved; undefined when the state cannot be read (not known to be empty). */
function savedPaths(state) {
    try {
        const v = JSON.parse(state(EXPORTS_STATE_KEY) || '[]');
        return Array.isArray(v) ? v.filter((p) => typeof p === 'string') : [];
    }
    catch {
        return undefined;
    }
}
/** The unpublished image main loaded into the classic store: its recorded id, else the one in buildx's id file; '' for none. */
function loadedImage(state) {
    const idFile = state(LOADED_IMAGE_ID_FILE_STATE_KEY);
    return state(LOADED_IMAGE_STATE_KEY) || (idFile ? idIn(idFile) : '');
}
/** The image id in buildx's `--iidfile`, or '' when there is none (not yet written, or not an id). */
function idIn(file) {
    try {
        const id = node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync(file, 'utf8').trim();
        return /^sha256:[0-9a-f]{64}$/.test(id) ? id : '';
    }
    catch {
        return '';
    }
}
/** The work directory (`secret-build-work-XXXXXX`) and a file output's copy (`<dest>.secret-build-<12 hex>`): only these are removed from a state. */
function isExportPath(p) {
    const base = p.split('/').pop() ?? '';
    return p.startsWith('/') && (/^secret-build-work-[A-Za-z0-9]{6}$/.test(base) || /.\.secret-build-[0-9a-f]{12}$/.test(base));
}


/***/ }),

/***/ 293:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   aU: () => (/* binding */ leftBehind)
/* harmony export */ });
/* unused harmony exports POST_GATE_VAR, POST_IF, opened, closed, openPostGate */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _leak_guard_exports_state_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(956);
/* harmony import */ var _secrets_vault_state_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(449);
/**
 * Whether the runner starts the post step at all. The post step is the backstop for a main
 * step that was killed before its `finally` ran; after a main that removed everything (nearly
 * every run) it has nothing to do, yet starting it costs a node process and a step of the job.
 *
 * No expression can read the step's saved state, and job status is not the main step's
 * (docs/security-model.md, "The path of one secret"), so main tells the runner itself,
 * through the one thing a post step's condition reads that a step can write: the job's
 * environment (GITHUB_ENV, applied by the runner when the step ends, however it ended). The
 * runner gives `post-if` the env context and `github.action`, the step's name in the job
 * (its `id`, else `__owner_repo` with `_2`, `_3`… for the next uses: unique in a job).
 *
 * - Main's first act, before it creates anything: `<name>` is added to SECRET_BUILD_STEPS and
 *   `[name]` taken out of it (a same-named earlier step's mark must not stand for this one).
 * - Main's last act, only when what the post step would look at is gone (leftBehind, the
 *   post step's own test): `[name]` is added.
 * - post-if: `always() && !contains(env.SECRET_BUILD_STEPS, format('[{0}]', github.action))`.
 *
 * So the post step is skipped only after main itself finished with nothing left. A main that
 * is killed, cancelled or fails to remove something never writes `[name]`; a runner that does
 * not apply GITHUB_ENV, or evaluates the condition without these contexts, starts it. When
 * `<name>` was already there at the start (two steps the runner gave one name: the same
 * composite action used twice), main never writes `[name]`, so an earlier step of that name
 * that was killed cannot be taken for this one: both post steps run.
 *
 * Imports only node modules and the state keys: the post step's entry reads leftBehind.
 */



const POST_GATE_VAR = 'SECRET_BUILD_STEPS';
/** action.yml's post-if (a unit test holds them equal). */
const POST_IF = (/* unused pure expression or super */ null && (`always() && !contains(env.${POST_GATE_VAR}, format('[{0}]', github.action))`));
/** A step name the marks can carry: what the runner gives (ids are letters, digits, `_` and `-`). Anything else: no gate. */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
/** Whether the post step, given these saved states (its STATE_<name>, or main's own record), would find something to remove. */
function leftBehind(state) {
    const vault = state(_secrets_vault_state_js__WEBPACK_IMPORTED_MODULE_2__/* .VAULT_STATE_KEY */ .N);
    // A state that cannot be read is not known to be empty.
    const paths = (0,_leak_guard_exports_state_js__WEBPACK_IMPORTED_MODULE_1__/* .savedPaths */ .m2)(state);
    return (!!vault && (0,_leak_guard_exports_state_js__WEBPACK_IMPORTED_MODULE_1__/* .present */ .Eb)(vault)) || !paths || paths.some(_leak_guard_exports_state_js__WEBPACK_IMPORTED_MODULE_1__/* .present */ .Eb) || !!(0,_leak_guard_exports_state_js__WEBPACK_IMPORTED_MODULE_1__/* .loadedImage */ .jv)(state);
}
/** The marks main writes at its start: `<name>` in, `[name]` out; and whether a step of this name started earlier in the job. Pure. */
function opened(marks, name) {
    const n = name.toLowerCase();
    const tokens = marks.toLowerCase().split(/\s+/).filter(Boolean);
    const shared = tokens.includes(`<${n}>`);
    const kept = tokens.filter((t) => t !== `[${n}]` && t !== `<${n}>`);
    return { marks: [...kept, `<${n}>`].join(' '), shared };
}
/** The marks main writes at its end when nothing is left: `[name]` added to what it wrote at its start. Pure. */
function closed(marks, name) {
    return `${marks} [${name.toLowerCase()}]`;
}
/**
 * Runners other than GitHub's that run JavaScript actions: they name unnamed steps by their
 * index, so names repeat across a job, and apply GITHUB_ENV under the step's context, which a
 * cancellation has already ended: the marks could go unwritten. No gate there.
 */
const OTHER_RUNNERS = (/* unused pure expression or super */ null && (['ACT', 'GITEA_ACTIONS', 'FORGEJO_ACTIONS']));
/**
 * Opens the gate (writes `<name>`); undefined when this is not GitHub's runner applying
 * GITHUB_ENV, or the step has no name the marks can carry: the post step then always runs.
 * Throws, before main creates anything, when `<name>` cannot be written: a later step of
 * this name would not see that this one started, and could mark the name done for both.
 */
function openPostGate(env = process.env) {
    const file = env.GITHUB_ENV;
    const name = env.GITHUB_ACTION ?? '';
    if (!file || !NAME.test(name) || OTHER_RUNNERS.some((v) => env[v]))
        return undefined;
    const start = opened(env[POST_GATE_VAR] ?? '', name);
    if (!writeEnv(file, start.marks))
        throw new Error(`cannot write GITHUB_ENV (${file}), which says whether the post step must clean up: nothing was built`);
    return {
        close: (state) => !start.shared && !leftBehind(state) && writeEnv(file, closed(start.marks, name))
    };
}
/**
 * One GITHUB_ENV record, in the delimited form @actions/core writes (the runner applies the
 * last one). The value is one line of bracketed names, so it can never be a line equal to a
 * fixed delimiter: no random one (and no node:crypto in the post step's entry). Whether it was written.
 */
function writeEnv(file, value) {
    const delimiter = 'SECRET_BUILD_STEPS_END';
    try {
        fs.appendFileSync(file, `${POST_GATE_VAR}<<${delimiter}\n${value}\n${delimiter}\n`);
        return true;
    }
    catch {
        // Not written: the post step runs, as without a gate.
        return false;
    }
}


/***/ }),

/***/ 449:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ VAULT_STATE_KEY),
/* harmony export */   _: () => (/* binding */ VAULT_MARKER_KEY)
/* harmony export */ });
/** The names under which main saves its vault for the post step (GITHUB_STATE; the post step gets them as STATE_<name>). */
const VAULT_STATE_KEY = 'vault-dir';
const VAULT_MARKER_KEY = 'vault-marker';


/***/ }),

/***/ 982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 75:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(568);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
