export const id = 678;
export const ids = [678];
export const modules = {

/***/ 6678:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ImageScanner: () => (/* binding */ ImageScanner),
/* harmony export */   MAX_DEPTH: () => (/* binding */ MAX_DEPTH)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var tar_stream__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6118);
/* harmony import */ var _detection_redactor_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6827);
/**
 * Scans a built image for secret values and their variants, streaming: the image tar
 * (`docker save` or a tar/OCI output) is read entry by entry, nested layer tars are
 * opened in place, gzip layers are inflated on the fly, and every file's bytes go
 * through one multi-pattern pass. Nothing is written to disk; memory stays constant.
 */





const SNIFF_BYTES = 512;
/**
 * Archives opened inside one another (each tar and each gzip a level): an image export is
 * three (the export, a gzip layer, its tar), a tarball in a layer two more. Past it, and
 * past the byte budget, the scan fails closed: an archive it did not open is not clean.
 */
const MAX_DEPTH = 8;
/** Bytes read after decompression, all targets together, before the scan gives up (a decompression bomb). */
function maxBytes() {
    const n = Number(process.env.SECRET_BUILD_SCAN_MAX_BYTES);
    return Number.isFinite(n) && n > 0 ? n : 64 * 2 ** 30;
}
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
const ZSTD_MAGIC = 0xfd2fb528;
/** The names an image archive's structure can have: an OCI layout's index and blobs, docker save's manifest.json. */
const isDocument = (name) => name === 'index.json' || name === 'manifest.json' || /^blobs\/[a-z0-9]+\/[0-9a-f]{32,}$/.test(name);
/** The names a tar header carries: the path, a link target, owner and group names, PAX records. */
function headerText(h) {
    const pax = h.pax ? Object.entries(h.pax).map(([k, v]) => `${k}=${v}`) : [];
    return [h.name, h.linkname ?? '', h.uname ?? '', h.gname ?? '', ...pax].join('\n');
}
class ImageScanner {
    redactor;
    found = new Map();
    stats = { files: 0, bytes: 0 };
    /** Small top-level entries of the last archive (index.json, manifests, configs), for reading the image's structure. */
    documents = new Map();
    constructor(redactor) {
        this.redactor = redactor;
    }
    /** One finding per secret, layer and path. */
    get findings() {
        return [...this.found.values()];
    }
    /** Each match as a finding at `layer`/`path`, its form added to what is known there. */
    recordMatches(found, layer, path) {
        const search = this.redactor.search;
        for (const m of found.matches) {
            const id = search.ids[m.tag];
            const key = `${id}\0${layer}\0${path}`;
            const f = this.found.get(key) ?? { id, layer, path, forms: [] };
            const form = search.formOf(m);
            if (!f.forms.includes(form))
                f.forms.push(form);
            this.found.set(key, f);
        }
    }
    /** Text that is not a file of the image (the build metadata, a tar header's names), under a name of its own. */
    scanText(text, layer, name) {
        this.recordMatches(this.redactor.search.find(Buffer.from(text, 'utf8')), layer, name);
    }
    /** Scans one tar stream (an image archive, a layer, or an OCI layout). */
    async scanTar(input, layer = '', depth = 0) {
        const extract = tar_stream__WEBPACK_IMPORTED_MODULE_3__.extract();
        input.on('error', (e) => extract.destroy(e));
        input.pipe(extract);
        for await (const entry of extract) {
            const at = depth === 0 ? entry.header.name : layer;
            // A secret can be a name: a file named after it, a link pointing at it, an owner or a PAX record.
            this.scanText(headerText(entry.header), at, entry.header.name);
            // Every entry that carries data is read, whatever its type says (a contiguous file, an
            // unknown type flag): tar tools extract such entries as files.
            if (!(entry.header.size ?? 0) && entry.header.type !== 'file') {
                entry.resume();
                continue;
            }
            const keep = depth === 0 && isDocument(entry.header.name) && (entry.header.size ?? Infinity) <= MAX_DOCUMENT_BYTES ? entry.header.name : undefined;
            await this.scanEntry(entry, at, entry.header.name, depth, keep);
        }
    }
    /**
     * Files in `dir`, recursively, every archive among them opened (a `type=local` output's
     * tarballs and gzip files as much as an OCI layout's layers). `layout`: each file is a
     * blob named for itself in findings (an OCI layout, a cache export); otherwise `label`.
     */
    async scanDir(dir, label, layout = false) {
        for (const ent of node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync(dir, { withFileTypes: true, recursive: true })) {
            const file = `${ent.parentPath}/${ent.name}`;
            const rel = file.slice(dir.length + 1);
            this.scanText(ent.isSymbolicLink() ? `${rel}\n${node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync(file)}` : rel, layout ? rel : label, rel);
            if (!ent.isFile())
                continue;
            await this.scanEntry(node_fs__WEBPACK_IMPORTED_MODULE_0__.createReadStream(file), layout ? rel : label, rel, 0).catch((e) => {
                // Named from the output's top: an error deep in nested archives names only the innermost entry.
                throw new Error(`${rel}: ${e.message}`);
            });
        }
    }
    async scanEntry(stream, layer, name, depth, keep) {
        const { head, rest } = await sniff(stream);
        // Node 20 has no zstd: such a layer cannot be read, so it must not pass as scanned.
        if (head.length >= 4 && head.readUInt32LE(0) === ZSTD_MAGIC)
            throw new Error(`${name} is zstd-compressed, which the scanner cannot read: use gzip (compression=gzip)`);
        // Only JSON documents are kept for reading the image's structure: a tar output's small files are not.
        if (keep !== undefined && head[0] !== 0x7b)
            keep = undefined;
        const gzip = head[0] === 0x1f && head[1] === 0x8b;
        const tarball = head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
        if ((gzip || tarball) && depth >= MAX_DEPTH) {
            rest.destroy();
            throw new Error(`${name} holds archives nested deeper than ${MAX_DEPTH}, which the scanner does not open`);
        }
        if (gzip)
            return this.scanGzip(rest, layer, name, depth);
        if (tarball)
            return this.scanTar(rest, layer, depth + 1);
        await this.scanBytes(rest, layer, name, keep);
    }
    /**
     * A gzip stream, inflated and scanned. zlib stops quietly at a NUL byte after a member, so
     * bytes after the gzip data would go unread: the input must end where the gzip data does,
     * or the scan fails closed.
     */
    async scanGzip(input, layer, name, depth) {
        const gunzip = (0,node_zlib__WEBPACK_IMPORTED_MODULE_2__.createGunzip)();
        let fed = 0;
        let ended = false;
        input.on('data', (c) => (fed += c.length));
        input.on('end', () => (ended = true));
        input.on('error', (e) => gunzip.destroy(e));
        input.pipe(gunzip);
        await this.scanEntry(gunzip, layer, name, depth + 1);
        if (!ended || gunzip.bytesWritten < fed) {
            input.destroy();
            throw new Error(`${name} has data after the end of its gzip stream, which the scanner does not read`);
        }
    }
    async scanBytes(stream, layer, name, keep) {
        const kept = [];
        const search = this.redactor.search;
        let carry = Buffer.alloc(0);
        const report = (buf) => {
            const found = search.find(buf);
            this.recordMatches(found, layer, name);
            return found;
        };
        this.stats.files++;
        const budget = maxBytes();
        for await (const chunk of stream) {
            if (keep !== undefined)
                kept.push(chunk);
            this.stats.bytes += chunk.length;
            if (this.stats.bytes > budget)
                throw new Error(`more than ${budget} bytes after decompression (SECRET_BUILD_SCAN_MAX_BYTES), at ${name}`);
            const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
            // A match may run into the next chunk: it is found there with the bytes kept here (findings are a set).
            carry = Buffer.from(buf.subarray((0,_detection_redactor_js__WEBPACK_IMPORTED_MODULE_4__/* .contextStart */ .QX)(buf, report(buf).hold)));
        }
        if (keep !== undefined)
            this.documents.set(keep, Buffer.concat(kept));
    }
}
/** Reads the first bytes of a stream and returns them with a stream of the whole content. */
async function sniff(stream) {
    const it = stream[Symbol.asyncIterator]();
    const first = [];
    let size = 0;
    let done = false;
    while (size < SNIFF_BYTES) {
        const r = await it.next();
        if (r.done) {
            done = true;
            break;
        }
        first.push(r.value);
        size += r.value.length;
    }
    const head = Buffer.concat(first);
    async function* all() {
        if (head.length)
            yield head;
        if (done)
            return;
        for (let r = await it.next(); !r.done; r = await it.next())
            yield r.value;
    }
    return { head, rest: node_stream__WEBPACK_IMPORTED_MODULE_1__.Readable.from(all(), { objectMode: false }) };
}


/***/ })

};
