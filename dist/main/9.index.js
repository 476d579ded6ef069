export const id = 9;
export const ids = [9];
export const modules = {

/***/ 5009:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ug: () => (/* binding */ stepKey),
/* harmony export */   secretParts: () => (/* binding */ secretParts)
/* harmony export */ });
/* unused harmony exports KEY_PREFIX, saltOf */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Keys that make a step's identity depend on the secrets it mounts. BuildKit keeps a
 * secret's content out of a step's cache key, so a step cached (or running at the same
 * time in another build) with another value of the secret is reused as if it were this
 * one. The action gives each RUN that mounts secrets one more secret mount, never
 * provided and not required, whose id is derived from those secrets' values
 * (dockerfile.ts): a new value is a new step; the same value keeps the cache.
 *
 * The id is part of the build definition: a shared builder's history and a mode=max
 * provenance record it, and public images publish their provenance. So it must not let
 * anyone find the value: each secret's part is scrypt (N=2^14, r=8, p=1: ~16 MiB and
 * ~50–90 ms a guess here, on purpose) of the value, salted with the repository and the
 * id; the step's id is a hash of those parts. A guess of a value costs one scrypt; a
 * token of 20 random characters is out of reach, a short password is not: the README's
 * security model says so.
 */

const COST = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** The prefix of the ids: a secret the action never provides, so the mount is never there. */
const KEY_PREFIX = 'secret-build-key-';
/** The salt of a secret's part: per repository and id, so parts cannot be compared across repositories or ids. */
function saltOf(id, repository) {
    return `secret-build step key v1\0${repository}\0${id}`;
}
/** Each secret's part, derived on libuv's threads (they run while the main thread does other work). */
async function secretParts(secrets, repository) {
    const parts = await Promise.all(secrets.map((s) => new Promise((resolve, reject) => (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.scrypt)(s.value, saltOf(s.id, repository), 32, COST, (e, key) => (e ? reject(e) : resolve([s.id, key]))))));
    return new Map(parts);
}
/** The id of the mount that keys a step on the secrets `ids`: the same ids and values give the same id. Pure. */
function stepKey(ids, parts) {
    const h = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update('secret-build step key v1\0');
    for (const id of [...new Set(ids)].sort())
        h.update(`${id}\0`)
            .update(parts.get(id) ?? Buffer.alloc(0))
            .update('\0');
    return `${KEY_PREFIX}${h.digest('hex').slice(0, 32)}`;
}


/***/ })

};
