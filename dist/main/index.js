import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 2150:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   ZU: () => (/* binding */ FRAGMENT_BYTES),
/* harmony export */   du: () => (/* binding */ viewOf),
/* harmony export */   fw: () => (/* binding */ FragmentIndex),
/* harmony export */   m9: () => (/* binding */ GRAM)
/* harmony export */ });
/* unused harmony export STRIDE */
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



/***/ }),

/***/ 6827:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  pO: () => (/* binding */ Redactor),
  QX: () => (/* binding */ contextStart)
});

// UNUSED EXPORTS: REDACTED, StreamScrubber

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
// EXTERNAL MODULE: ./src/detection/fragments.ts
var fragments = __nccwpck_require__(2150);
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

// EXTERNAL MODULE: ./src/detection/variants.ts
var variants = __nccwpck_require__(8621);
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
        this.fragments = new fragments/* FragmentIndex */.fw(sources);
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
            const forms = (0,variants/* secretForms */.eo)(s.value);
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
            hold = Math.min(hold, textTail(buf, fragments/* FRAGMENT_BYTES */.ZU - 1), held(hex.lastLineStart));
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
        const d = (0,fragments/* viewOf */.du)(buf);
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
            if (prev && ((prev.e - prev.s >= fragments/* GRAM */.m9 && this.fragments.hasGram(buf, d, prev.e - fragments/* GRAM */.m9)) || (e - s >= fragments/* GRAM */.m9 && this.fragments.hasGram(buf, d, s)))) {
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


/***/ }),

/***/ 8621:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Gc: () => (/* binding */ runnerMasks),
/* harmony export */   eo: () => (/* binding */ secretForms)
/* harmony export */ });
/* unused harmony exports secretWords, looksSecret, maskVariants, lines, base64Core, RUNNER_EXTRA_LINES */
/* harmony import */ var _fragments_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(2150);
/* harmony import */ var _secrets_values_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3795);
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


const form = (name) => (bytes) => ({ bytes: Buffer.from(bytes), form: name });
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
        if (i - start >= _fragments_js__WEBPACK_IMPORTED_MODULE_0__/* .FRAGMENT_BYTES */ .ZU)
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
    return word.length >= _fragments_js__WEBPACK_IMPORTED_MODULE_0__/* .FRAGMENT_BYTES */ .ZU && n >= 4;
}
function binaryPieces(b) {
    const pieces = [];
    let start = 0;
    for (let i = 0; i <= b.length; i++) {
        const run = i + 3 < b.length && b[i] === b[i + 1] && b[i] === b[i + 2] && b[i] === b[i + 3];
        if (i < b.length && !run)
            continue;
        if (i - start >= _fragments_js__WEBPACK_IMPORTED_MODULE_0__/* .FRAGMENT_BYTES */ .ZU && new Set(b.subarray(start, i)).size >= 8)
            pieces.push(b.subarray(start, i));
        while (i < b.length && b[i] === b[i + 1])
            i++;
        start = i + 1;
    }
    return pieces;
}
/** Sources of one word: itself, its base64 at each alignment, and (up to 4 KiB) its escapes as encoders write them. */
function wordSources(word) {
    const sources = [form('raw')(word), ...[0, 1, 2].map((shift) => form('base64')(base64Core(word, shift)))];
    const text = utf8(word);
    if (text !== undefined && word.length <= ESCAPED_SOURCE_MAX)
        sources.push(...textEscapes(text)
            .filter((e) => !e.equals(word))
            .map(form(ESCAPED)));
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
    return dedupeForms(all).filter((f) => f.bytes.length >= _secrets_values_js__WEBPACK_IMPORTED_MODULE_1__/* .MIN_SECRET_BYTES */ .SI);
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
    return [form('raw')(value), form('raw')(trimTrailingNewlines(value)), ...lines(value).map(form('one line'))];
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
        ...byteForms(piece).map((e) => form(`${prefix}${e.form}`)(e.text)),
        ...(text !== undefined ? textEscapes(text).map(form(`${prefix}${ESCAPED}`)) : [])
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
    const parts = (words.length ? words : ls.length ? ls : [trimTrailingNewlines(value)]).filter((p) => p.length >= _secrets_values_js__WEBPACK_IMPORTED_MODULE_1__/* .MIN_SECRET_BYTES */ .SI);
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
    return res.filter((v) => v.length >= _secrets_values_js__WEBPACK_IMPORTED_MODULE_1__/* .MIN_SECRET_BYTES */ .SI);
}


/***/ }),

/***/ 9719:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3698);
// Bundle entry of the main step (dist/main): the runner executes this file.

await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   bD: () => (/* binding */ messageOf),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   g5: () => (/* binding */ unwrapFailure),
/* harmony export */   lZ: () => (/* binding */ ActionError),
/* harmony export */   wm: () => (/* binding */ PhaseFailure),
/* harmony export */   wy: () => (/* binding */ MissingSecretsError)
/* harmony export */ });
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

/***/ 5009:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Bm: () => (/* binding */ secretParts),
/* harmony export */   Ug: () => (/* binding */ stepKey)
/* harmony export */ });
/* unused harmony exports KEY_PREFIX, saltOf */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
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
 * token of 20 random characters is out of reach, a short password is not: the security
 * model (docs/security-model.md, "Shared builders") says so.
 */

const COST = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
/** The prefix of the ids: a secret the action never provides, so the mount is never there. */
const KEY_PREFIX = 'secret-build-key-';
const ABSENT = Buffer.from('absent');
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
    for (const id of [...new Set(ids)].sort()) {
        // A mount of a secret the action does not give is keyed as absent (`absent:…` ids, isolation/dockerfile.ts).
        const part = id.startsWith('absent:') ? ABSENT : parts.get(id);
        if (!part)
            throw new Error(`no key part for secret "${id}"`);
        h.update(`${id}\0`).update(part).update('\0');
    }
    return `${KEY_PREFIX}${h.digest('hex').slice(0, 32)}`;
}


/***/ }),

/***/ 5060:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   L8: () => (/* binding */ tokenFileName),
/* harmony export */   Lo: () => (/* binding */ nameWords),
/* harmony export */   Wq: () => (/* binding */ credentialFileKind)
/* harmony export */ });
/**
 * Credential files by name. No Dockerfile parsing here: the guard walks the build context
 * with this at every preflight, without loading the parser's chunk for it.
 */
/** Files that are credentials whatever they hold. */
const CREDENTIAL_FILES = [
    /(^|\/)[._]netrc$/,
    /(^|\/)\.pgpass$/,
    /(^|\/)\.pypirc$/,
    /(^|\/)\.git-credentials$/,
    /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/,
    /(^|\/)\.env(\.(?!example$|sample$|template$|dist$|defaults$|vault$)[^/]+)?$/,
    /(^|\/)(secring\.(gpg|kbx)|private-keys-v1\.d)$/,
    /(^|\/)\.(ssh|gnupg)$/,
    /(^|\/)\.aws\/credentials$/,
    /(^|\/)\.docker\/config\.json$/,
    /(^|\/)\.kube\/config$/,
    /(^|\/)(application_default_credentials|credentials|service[-_]?account[^/]*)\.json$/
];
/** Config files that may hold a credential or only `${VAR}` references to one: flagged only when the guard read a literal one. */
const CONFIG_FILES = [
    /(^|\/)\.npmrc$/,
    /(^|\/)\.yarnrc(\.yml)?$/,
    /(^|\/)pip\.conf$/,
    /(^|\/)nuget\.config$/i,
    /(^|\/)settings\.xml$/,
    /(^|\/)auth\.json$/,
    /(^|\/)\.gemrc$/
];
function credentialFileKind(rel) {
    if (CREDENTIAL_FILES.some((re) => re.test(rel)))
        return 'credential';
    if (CONFIG_FILES.some((re) => re.test(rel)))
        return 'config';
    return undefined;
}
/**
 * A file named for a token (`GithubToken`, `github_token`, `.token`, `gh-token.txt`): the
 * name's last word is `token`, with no extension or `.txt`. Not `tokenizer.json`,
 * `tokens.css` or `token.go`. Only for files a COPY names outright: as a context walk
 * would also take a directory such as `src/token`.
 */
function tokenFileName(rel) {
    return nameWords((rel.split('/').pop() ?? '').replace(/\.txt$/i, '')).at(-1) === 'token';
}
/** The words of a name, lowercase: split at camelCase humps and at `_`, `-`, `.` (`GithubToken`, `NPM_TOKEN`, `gh-token`). */
function nameWords(name) {
    return name
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .split(/[._-]+/)
        .filter(Boolean);
}


/***/ }),

/***/ 1360:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Iu: () => (/* binding */ RULE_IDS),
/* harmony export */   KX: () => (/* binding */ isRuleId),
/* harmony export */   gd: () => (/* binding */ rulePage),
/* harmony export */   y0: () => (/* binding */ RULES)
/* harmony export */ });
const RULES = {
    'secret-not-given': { severity: 'error', title: 'A secret mount the action was not given' },
    'secret-unused': { severity: 'warning', title: 'A secret given that no step mounts' },
    'ssh-not-given': { severity: 'error', title: 'An ssh mount the build gets no key for' },
    'ssh-unused': { severity: 'warning', title: 'An ssh key given that no step mounts' },
    'invalid-mount': { severity: 'error', title: 'A --mount BuildKit refuses' },
    'secret-written': { severity: 'error', title: 'A mounted secret written into a file' },
    'secret-printed': { severity: 'warning', title: 'A mounted secret printed to the build output' },
    'token-stored-by-tool': { severity: 'error', title: 'A tool told to store a credential' },
    'credential-written': { severity: 'error', title: 'A credential variable or file written into another file' },
    'credential-in-image-config': { severity: 'error', title: 'A credential ARG taken into ENV, LABEL or an ADD URL' },
    'credential-file-copied': { severity: 'error', title: 'A credential file copied into the image' },
    'secret-value-in-dockerfile': { severity: 'error', title: "A secret's value written in the Dockerfile" },
    'credential-literal': { severity: 'error', title: 'A credential written as a literal ARG or ENV value' },
    'credential-name': { severity: 'warning', title: 'A credential-named ARG or ENV' },
    'secret-file-in-context': { severity: 'warning', title: 'A secret file inside the build context' },
    'secret-env-without-file': { severity: 'warning', title: 'A secret mounted as a variable, read as a file' },
    'export-in-own-run': { severity: 'warning', title: 'A secret exported in a RUN of its own' }
};
const RULE_IDS = Object.keys(RULES);
const isRuleId = (id) => Object.hasOwn(RULES, id);
/** Where a rule's page is, from the repository's root. */
const rulePage = (id) => `docs/rules/${id}.md`;


/***/ }),

/***/ 3698:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ main_run)
});

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/cancel.ts

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const CHILD_GRACE_MS = 3000;
function onCancel(report) {
    let child;
    let resource;
    const cleanups = new Set();
    const handler = (signal) => {
        try {
            resource?.dispose();
        }
        finally {
            report(`received ${signal}: secret vault removed, stopping the build`);
            // The exports go once the child is gone: buildx may still be writing one.
            stopChild(child, signal, () => {
                runCleanups(cleanups, report);
                process.exit(128 + external_node_os_namespaceObject.constants.signals[signal]);
            });
        }
    };
    SIGNALS.forEach((s) => process.on(s, handler));
    return {
        track: (r) => {
            resource = r;
        },
        cleanup: (r) => {
            cleanups.add(r);
            return () => cleanups.delete(r);
        },
        setChild: (c) => {
            child = c;
        },
        dispose: () => SIGNALS.forEach((s) => process.off(s, handler))
    };
}
/** Each on its own: one that fails (a disk gone) does not keep the others or the exit from running. */
function runCleanups(cleanups, report) {
    for (const c of cleanups) {
        try {
            c.dispose();
        }
        catch (e) {
            report(`could not remove what the build left: ${e.message}`);
        }
    }
}
function stopChild(child, signal, exit) {
    if (!child || child.exitCode !== null || child.signalCode !== null)
        return exit();
    child.once('close', exit);
    child.kill(signal);
    setTimeout(() => {
        child.kill('SIGKILL');
        exit();
    }, CHILD_GRACE_MS).unref();
}

// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(3916);
;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/CsvError.js
class CsvError extends Error {
  constructor(code, message, options, ...contexts) {
    if (Array.isArray(message)) message = message.join(" ").trim();
    super(message);
    if (Error.captureStackTrace !== undefined) {
      Error.captureStackTrace(this, CsvError);
    }
    this.code = code;
    for (const context of contexts) {
      for (const key in context) {
        const value = context[key];
        this[key] = Buffer.isBuffer(value)
          ? value.toString(options.encoding)
          : value == null
            ? value
            : JSON.parse(JSON.stringify(value));
      }
    }
  }
}



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/is_object.js
const is_object = function (obj) {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj);
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/normalize_columns_array.js



const normalize_columns_array = function (columns) {
  const normalizedColumns = [];
  for (let i = 0, l = columns.length; i < l; i++) {
    const column = columns[i];
    if (column === undefined || column === null || column === false) {
      normalizedColumns[i] = { disabled: true };
    } else if (typeof column === "string" || typeof column === "number") {
      normalizedColumns[i] = { name: `${column}` };
    } else if (is_object(column)) {
      if (typeof column.name !== "string") {
        throw new CsvError("CSV_OPTION_COLUMNS_MISSING_NAME", [
          "Option columns missing name:",
          `property "name" is required at position ${i}`,
          "when column is an object literal",
        ]);
      }
      normalizedColumns[i] = column;
    } else {
      throw new CsvError("CSV_INVALID_COLUMN_DEFINITION", [
        "Invalid column definition:",
        "expect a string or a literal object,",
        `got ${JSON.stringify(column)} at position ${i}`,
      ]);
    }
  }
  return normalizedColumns;
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/ResizeableBuffer.js
class ResizeableBuffer {
  constructor(size = 100) {
    this.size = size;
    this.length = 0;
    this.buf = Buffer.allocUnsafe(size);
  }
  prepend(val) {
    if (Buffer.isBuffer(val)) {
      const length = this.length + val.length;
      if (length >= this.size) {
        this.resize();
        if (length >= this.size) {
          throw Error("INVALID_BUFFER_STATE");
        }
      }
      const buf = this.buf;
      this.buf = Buffer.allocUnsafe(this.size);
      val.copy(this.buf, 0);
      buf.copy(this.buf, val.length);
      this.length += val.length;
    } else {
      const length = this.length++;
      if (length === this.size) {
        this.resize();
      }
      const buf = this.clone();
      this.buf[0] = val;
      buf.copy(this.buf, 1, 0, length);
    }
  }
  append(val) {
    const length = this.length++;
    if (length === this.size) {
      this.resize();
    }
    this.buf[length] = val;
  }
  clone() {
    return Buffer.from(this.buf.slice(0, this.length));
  }
  resize() {
    const length = this.length;
    this.size = this.size * 2;
    const buf = Buffer.allocUnsafe(this.size);
    this.buf.copy(buf, 0, 0, length);
    this.buf = buf;
  }
  toString(encoding) {
    if (encoding) {
      return this.buf.slice(0, this.length).toString(encoding);
    } else {
      return Uint8Array.prototype.slice.call(this.buf.slice(0, this.length));
    }
  }
  toJSON() {
    return this.toString("utf8");
  }
  reset() {
    this.length = 0;
  }
}

/* harmony default export */ const utils_ResizeableBuffer = (ResizeableBuffer);

;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/init_state.js


// white space characters
// https://en.wikipedia.org/wiki/Whitespace_character
// https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide/Regular_Expressions/Character_Classes#Types
// \f\n\r\t\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff
const np = 12;
const cr = 13; // `\r`, carriage return, 0x0D in hexadécimal, 13 in decimal
const nl = 10; // `\n`, newline, 0x0A in hexadecimal, 10 in decimal
const space = 32;
const tab = 9;

const init_state = function (options) {
  return {
    bomSkipped: false,
    bufBytesStart: 0,
    castField: options.cast_function,
    commenting: false,
    // Current error encountered by a record
    error: undefined,
    enabled: options.from_line === 1,
    escaping: false,
    escapeIsQuote:
      Buffer.isBuffer(options.escape) &&
      Buffer.isBuffer(options.quote) &&
      Buffer.compare(options.escape, options.quote) === 0,
    // columns can be `false`, `true`, `Array`
    expectedRecordLength: Array.isArray(options.columns)
      ? options.columns.length
      : undefined,
    field: new utils_ResizeableBuffer(20),
    firstLineToHeaders: options.cast_first_line_to_header,
    needMoreDataSize: Math.max(
      // Skip if the remaining buffer smaller than comment
      options.comment !== null ? options.comment.length : 0,
      // Skip if the remaining buffer can be delimiter
      ...options.delimiter.map((delimiter) => delimiter.length),
      // Skip if the remaining buffer can be escape sequence
      options.quote !== null ? options.quote.length : 0,
    ),
    previousBuf: undefined,
    quoting: false,
    stop: false,
    rawBuffer: new utils_ResizeableBuffer(100),
    record: [],
    recordHasError: false,
    record_length: 0,
    recordDelimiterMaxLength:
      options.record_delimiter.length === 0
        ? 0
        : Math.max(...options.record_delimiter.map((v) => v.length)),
    trimChars: [
      Buffer.from(" ", options.encoding)[0],
      Buffer.from("\t", options.encoding)[0],
    ],
    wasQuoting: false,
    wasRowDelimiter: false,
    timchars: [
      Buffer.from(Buffer.from([cr], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([nl], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([np], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([space], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([tab], "utf8").toString(), options.encoding),
    ],
  };
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/underscore.js
const underscore = function (str) {
  return str.replace(/([A-Z])/g, function (_, match) {
    return "_" + match.toLowerCase();
  });
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/normalize_options.js




const normalize_options = function (opts) {
  const options = {};
  // Merge with user options
  for (const opt in opts) {
    options[underscore(opt)] = opts[opt];
  }
  // Normalize option `encoding`
  // Note: defined first because other options depends on it
  // to convert chars/strings into buffers.
  if (options.encoding === undefined || options.encoding === true) {
    options.encoding = "utf8";
  } else if (options.encoding === null || options.encoding === false) {
    options.encoding = null;
  } else if (
    typeof options.encoding !== "string" &&
    options.encoding !== null
  ) {
    throw new CsvError(
      "CSV_INVALID_OPTION_ENCODING",
      [
        "Invalid option encoding:",
        "encoding must be a string or null to return a buffer,",
        `got ${JSON.stringify(options.encoding)}`,
      ],
      options,
    );
  }
  // Normalize option `bom`
  if (
    options.bom === undefined ||
    options.bom === null ||
    options.bom === false
  ) {
    options.bom = false;
  } else if (options.bom !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_BOM",
      [
        "Invalid option bom:",
        "bom must be true,",
        `got ${JSON.stringify(options.bom)}`,
      ],
      options,
    );
  }
  // Normalize option `cast`
  options.cast_function = null;
  if (
    options.cast === undefined ||
    options.cast === null ||
    options.cast === false ||
    options.cast === ""
  ) {
    options.cast = undefined;
  } else if (typeof options.cast === "function") {
    options.cast_function = options.cast;
    options.cast = true;
  } else if (options.cast !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST",
      [
        "Invalid option cast:",
        "cast must be true or a function,",
        `got ${JSON.stringify(options.cast)}`,
      ],
      options,
    );
  }
  // Normalize option `cast_date`
  if (
    options.cast_date === undefined ||
    options.cast_date === null ||
    options.cast_date === false ||
    options.cast_date === ""
  ) {
    options.cast_date = false;
  } else if (options.cast_date === true) {
    options.cast_date = function (value) {
      const date = Date.parse(value);
      return !isNaN(date) ? new Date(date) : value;
    };
  } else if (typeof options.cast_date !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST_DATE",
      [
        "Invalid option cast_date:",
        "cast_date must be true or a function,",
        `got ${JSON.stringify(options.cast_date)}`,
      ],
      options,
    );
  }
  // Normalize option `columns`
  options.cast_first_line_to_header = undefined;
  if (options.columns === true) {
    // Fields in the first line are converted as-is to columns
    options.cast_first_line_to_header = undefined;
  } else if (typeof options.columns === "function") {
    options.cast_first_line_to_header = options.columns;
    options.columns = true;
  } else if (Array.isArray(options.columns)) {
    options.columns = normalize_columns_array(options.columns);
  } else if (
    options.columns === undefined ||
    options.columns === null ||
    options.columns === false
  ) {
    options.columns = false;
  } else {
    throw new CsvError(
      "CSV_INVALID_OPTION_COLUMNS",
      [
        "Invalid option columns:",
        "expect an array, a function or true,",
        `got ${JSON.stringify(options.columns)}`,
      ],
      options,
    );
  }
  // Normalize option `group_columns_by_name`
  if (
    options.group_columns_by_name === undefined ||
    options.group_columns_by_name === null ||
    options.group_columns_by_name === false
  ) {
    options.group_columns_by_name = false;
  } else if (options.group_columns_by_name !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "expect an boolean,",
        `got ${JSON.stringify(options.group_columns_by_name)}`,
      ],
      options,
    );
  } else if (options.columns === false) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "the `columns` mode must be activated.",
      ],
      options,
    );
  }
  // Normalize option `comment`
  if (
    options.comment === undefined ||
    options.comment === null ||
    options.comment === false ||
    options.comment === ""
  ) {
    options.comment = null;
  } else {
    if (typeof options.comment === "string") {
      options.comment = Buffer.from(options.comment, options.encoding);
    }
    if (!Buffer.isBuffer(options.comment)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_COMMENT",
        [
          "Invalid option comment:",
          "comment must be a buffer or a string,",
          `got ${JSON.stringify(options.comment)}`,
        ],
        options,
      );
    }
  }
  // Normalize option `comment_no_infix`
  if (
    options.comment_no_infix === undefined ||
    options.comment_no_infix === null ||
    options.comment_no_infix === false
  ) {
    options.comment_no_infix = false;
  } else if (options.comment_no_infix !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_COMMENT",
      [
        "Invalid option comment_no_infix:",
        "value must be a boolean,",
        `got ${JSON.stringify(options.comment_no_infix)}`,
      ],
      options,
    );
  }
  // Normalize option `delimiter`
  const delimiter_json = JSON.stringify(options.delimiter);
  if (!Array.isArray(options.delimiter))
    options.delimiter = [options.delimiter];
  if (options.delimiter.length === 0) {
    throw new CsvError(
      "CSV_INVALID_OPTION_DELIMITER",
      [
        "Invalid option delimiter:",
        "delimiter must be a non empty string or buffer or array of string|buffer,",
        `got ${delimiter_json}`,
      ],
      options,
    );
  }
  options.delimiter = options.delimiter.map(function (delimiter) {
    if (delimiter === undefined || delimiter === null || delimiter === false) {
      return Buffer.from(",", options.encoding);
    }
    if (typeof delimiter === "string") {
      delimiter = Buffer.from(delimiter, options.encoding);
    }
    if (!Buffer.isBuffer(delimiter) || delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER",
        [
          "Invalid option delimiter:",
          "delimiter must be a non empty string or buffer or array of string|buffer,",
          `got ${delimiter_json}`,
        ],
        options,
      );
    }
    return delimiter;
  });
  // Normalize option `escape`
  if (options.escape === undefined || options.escape === true) {
    options.escape = Buffer.from('"', options.encoding);
  } else if (typeof options.escape === "string") {
    options.escape = Buffer.from(options.escape, options.encoding);
  } else if (options.escape === null || options.escape === false) {
    options.escape = null;
  }
  if (options.escape !== null) {
    if (!Buffer.isBuffer(options.escape)) {
      throw new Error(
        `Invalid Option: escape must be a buffer, a string or a boolean, got ${JSON.stringify(options.escape)}`,
      );
    }
  }
  // Normalize option `from`
  if (options.from === undefined || options.from === null) {
    options.from = 1;
  } else {
    if (typeof options.from === "string" && /\d+/.test(options.from)) {
      options.from = parseInt(options.from);
    }
    if (Number.isInteger(options.from)) {
      if (options.from < 0) {
        throw new Error(
          `Invalid Option: from must be a positive integer, got ${JSON.stringify(opts.from)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from must be an integer, got ${JSON.stringify(options.from)}`,
      );
    }
  }
  // Normalize option `from_line`
  if (options.from_line === undefined || options.from_line === null) {
    options.from_line = 1;
  } else {
    if (
      typeof options.from_line === "string" &&
      /\d+/.test(options.from_line)
    ) {
      options.from_line = parseInt(options.from_line);
    }
    if (Number.isInteger(options.from_line)) {
      if (options.from_line <= 0) {
        throw new Error(
          `Invalid Option: from_line must be a positive integer greater than 0, got ${JSON.stringify(opts.from_line)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from_line must be an integer, got ${JSON.stringify(opts.from_line)}`,
      );
    }
  }
  // Normalize options `ignore_last_delimiters`
  if (
    options.ignore_last_delimiters === undefined ||
    options.ignore_last_delimiters === null
  ) {
    options.ignore_last_delimiters = false;
  } else if (typeof options.ignore_last_delimiters === "number") {
    options.ignore_last_delimiters = Math.floor(options.ignore_last_delimiters);
    if (options.ignore_last_delimiters === 0) {
      options.ignore_last_delimiters = false;
    }
  } else if (typeof options.ignore_last_delimiters !== "boolean") {
    throw new CsvError(
      "CSV_INVALID_OPTION_IGNORE_LAST_DELIMITERS",
      [
        "Invalid option `ignore_last_delimiters`:",
        "the value must be a boolean value or an integer,",
        `got ${JSON.stringify(options.ignore_last_delimiters)}`,
      ],
      options,
    );
  }
  if (options.ignore_last_delimiters === true && options.columns === false) {
    throw new CsvError(
      "CSV_IGNORE_LAST_DELIMITERS_REQUIRES_COLUMNS",
      [
        "The option `ignore_last_delimiters`",
        "requires the activation of the `columns` option",
      ],
      options,
    );
  }
  // Normalize option `info`
  if (
    options.info === undefined ||
    options.info === null ||
    options.info === false
  ) {
    options.info = false;
  } else if (options.info !== true) {
    throw new Error(
      `Invalid Option: info must be true, got ${JSON.stringify(options.info)}`,
    );
  }
  // Normalize option `max_record_size`
  if (
    options.max_record_size === undefined ||
    options.max_record_size === null ||
    options.max_record_size === false
  ) {
    options.max_record_size = 0;
  } else if (
    Number.isInteger(options.max_record_size) &&
    options.max_record_size >= 0
  ) {
    // Great, nothing to do
  } else if (
    typeof options.max_record_size === "string" &&
    /\d+/.test(options.max_record_size)
  ) {
    options.max_record_size = parseInt(options.max_record_size);
  } else {
    throw new Error(
      `Invalid Option: max_record_size must be a positive integer, got ${JSON.stringify(options.max_record_size)}`,
    );
  }
  // Normalize option `objname`
  if (
    options.objname === undefined ||
    options.objname === null ||
    options.objname === false
  ) {
    options.objname = undefined;
  } else if (Buffer.isBuffer(options.objname)) {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty buffer`);
    }
    if (options.encoding === null) {
      // Don't call `toString`, leave objname as a buffer
    } else {
      options.objname = options.objname.toString(options.encoding);
    }
  } else if (typeof options.objname === "string") {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty string`);
    }
    // Great, nothing to do
  } else if (typeof options.objname === "number") {
    // if(options.objname.length === 0){
    //   throw new Error(`Invalid Option: objname must be a non empty string`);
    // }
    // Great, nothing to do
  } else {
    throw new Error(
      `Invalid Option: objname must be a string or a buffer, got ${options.objname}`,
    );
  }
  if (options.objname !== undefined) {
    if (typeof options.objname === "number") {
      if (options.columns !== false) {
        throw Error(
          "Invalid Option: objname index cannot be combined with columns or be defined as a field",
        );
      }
    } else {
      // A string or a buffer
      if (options.columns === false) {
        throw Error(
          "Invalid Option: objname field must be combined with columns or be defined as an index",
        );
      }
    }
  }
  // Normalize option `on_record`
  if (options.on_record === undefined || options.on_record === null) {
    options.on_record = undefined;
  } else if (typeof options.on_record !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_ON_RECORD",
      [
        "Invalid option `on_record`:",
        "expect a function,",
        `got ${JSON.stringify(options.on_record)}`,
      ],
      options,
    );
  }
  // Normalize option `on_skip`
  // options.on_skip ??= (err, chunk) => {
  //   this.emit('skip', err, chunk);
  // };
  if (
    options.on_skip !== undefined &&
    options.on_skip !== null &&
    typeof options.on_skip !== "function"
  ) {
    throw new Error(
      `Invalid Option: on_skip must be a function, got ${JSON.stringify(options.on_skip)}`,
    );
  }
  // Normalize option `quote`
  if (
    options.quote === null ||
    options.quote === false ||
    options.quote === ""
  ) {
    options.quote = null;
  } else {
    if (options.quote === undefined || options.quote === true) {
      options.quote = Buffer.from('"', options.encoding);
    } else if (typeof options.quote === "string") {
      options.quote = Buffer.from(options.quote, options.encoding);
    }
    if (!Buffer.isBuffer(options.quote)) {
      throw new Error(
        `Invalid Option: quote must be a buffer or a string, got ${JSON.stringify(options.quote)}`,
      );
    }
  }
  // Normalize option `raw`
  if (
    options.raw === undefined ||
    options.raw === null ||
    options.raw === false
  ) {
    options.raw = false;
  } else if (options.raw !== true) {
    throw new Error(
      `Invalid Option: raw must be true, got ${JSON.stringify(options.raw)}`,
    );
  }
  // Normalize option `record_delimiter`
  if (options.record_delimiter === undefined) {
    options.record_delimiter = [];
  } else if (
    typeof options.record_delimiter === "string" ||
    Buffer.isBuffer(options.record_delimiter)
  ) {
    if (options.record_delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer,",
          `got ${JSON.stringify(options.record_delimiter)}`,
        ],
        options,
      );
    }
    options.record_delimiter = [options.record_delimiter];
  } else if (!Array.isArray(options.record_delimiter)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_RECORD_DELIMITER",
      [
        "Invalid option `record_delimiter`:",
        "value must be a string, a buffer or array of string|buffer,",
        `got ${JSON.stringify(options.record_delimiter)}`,
      ],
      options,
    );
  }
  options.record_delimiter = options.record_delimiter.map(function (rd, i) {
    if (typeof rd !== "string" && !Buffer.isBuffer(rd)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a string, a buffer or array of string|buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`,
        ],
        options,
      );
    } else if (rd.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`,
        ],
        options,
      );
    }
    if (typeof rd === "string") {
      rd = Buffer.from(rd, options.encoding);
    }
    return rd;
  });
  // Normalize option `relax_column_count`
  if (typeof options.relax_column_count === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count === undefined ||
    options.relax_column_count === null
  ) {
    options.relax_column_count = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count must be a boolean, got ${JSON.stringify(options.relax_column_count)}`,
    );
  }
  if (typeof options.relax_column_count_less === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count_less === undefined ||
    options.relax_column_count_less === null
  ) {
    options.relax_column_count_less = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_less must be a boolean, got ${JSON.stringify(options.relax_column_count_less)}`,
    );
  }
  if (typeof options.relax_column_count_more === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count_more === undefined ||
    options.relax_column_count_more === null
  ) {
    options.relax_column_count_more = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_more must be a boolean, got ${JSON.stringify(options.relax_column_count_more)}`,
    );
  }
  // Normalize option `relax_quotes`
  if (typeof options.relax_quotes === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_quotes === undefined ||
    options.relax_quotes === null
  ) {
    options.relax_quotes = false;
  } else {
    throw new Error(
      `Invalid Option: relax_quotes must be a boolean, got ${JSON.stringify(options.relax_quotes)}`,
    );
  }
  // Normalize option `skip_empty_lines`
  if (typeof options.skip_empty_lines === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_empty_lines === undefined ||
    options.skip_empty_lines === null
  ) {
    options.skip_empty_lines = false;
  } else {
    throw new Error(
      `Invalid Option: skip_empty_lines must be a boolean, got ${JSON.stringify(options.skip_empty_lines)}`,
    );
  }
  // Normalize option `skip_records_with_empty_values`
  if (typeof options.skip_records_with_empty_values === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_records_with_empty_values === undefined ||
    options.skip_records_with_empty_values === null
  ) {
    options.skip_records_with_empty_values = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_empty_values must be a boolean, got ${JSON.stringify(options.skip_records_with_empty_values)}`,
    );
  }
  // Normalize option `skip_records_with_error`
  if (typeof options.skip_records_with_error === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_records_with_error === undefined ||
    options.skip_records_with_error === null
  ) {
    options.skip_records_with_error = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_error must be a boolean, got ${JSON.stringify(options.skip_records_with_error)}`,
    );
  }
  // Normalize option `rtrim`
  if (
    options.rtrim === undefined ||
    options.rtrim === null ||
    options.rtrim === false
  ) {
    options.rtrim = false;
  } else if (options.rtrim !== true) {
    throw new Error(
      `Invalid Option: rtrim must be a boolean, got ${JSON.stringify(options.rtrim)}`,
    );
  }
  // Normalize option `ltrim`
  if (
    options.ltrim === undefined ||
    options.ltrim === null ||
    options.ltrim === false
  ) {
    options.ltrim = false;
  } else if (options.ltrim !== true) {
    throw new Error(
      `Invalid Option: ltrim must be a boolean, got ${JSON.stringify(options.ltrim)}`,
    );
  }
  // Normalize option `trim`
  if (
    options.trim === undefined ||
    options.trim === null ||
    options.trim === false
  ) {
    options.trim = false;
  } else if (options.trim !== true) {
    throw new Error(
      `Invalid Option: trim must be a boolean, got ${JSON.stringify(options.trim)}`,
    );
  }
  // Normalize options `trim`, `ltrim` and `rtrim`
  if (options.trim === true && opts.ltrim !== false) {
    options.ltrim = true;
  } else if (options.ltrim !== true) {
    options.ltrim = false;
  }
  if (options.trim === true && opts.rtrim !== false) {
    options.rtrim = true;
  } else if (options.rtrim !== true) {
    options.rtrim = false;
  }
  // Normalize option `to`
  if (options.to === undefined || options.to === null) {
    options.to = -1;
  } else if (options.to !== -1) {
    if (typeof options.to === "string" && /\d+/.test(options.to)) {
      options.to = parseInt(options.to);
    }
    if (Number.isInteger(options.to)) {
      if (options.to <= 0) {
        throw new Error(
          `Invalid Option: to must be a positive integer greater than 0, got ${JSON.stringify(opts.to)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to must be an integer, got ${JSON.stringify(opts.to)}`,
      );
    }
  }
  // Normalize option `to_line`
  if (options.to_line === undefined || options.to_line === null) {
    options.to_line = -1;
  } else if (options.to_line !== -1) {
    if (typeof options.to_line === "string" && /\d+/.test(options.to_line)) {
      options.to_line = parseInt(options.to_line);
    }
    if (Number.isInteger(options.to_line)) {
      if (options.to_line <= 0) {
        throw new Error(
          `Invalid Option: to_line must be a positive integer greater than 0, got ${JSON.stringify(opts.to_line)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to_line must be an integer, got ${JSON.stringify(opts.to_line)}`,
      );
    }
  }
  return options;
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/index.js





const isRecordEmpty = function (record) {
  return record.every(
    (field) =>
      field == null || (field.toString && field.toString().trim() === ""),
  );
};

const api_cr = 13; // `\r`, carriage return, 0x0D in hexadécimal, 13 in decimal
const api_nl = 10; // `\n`, newline, 0x0A in hexadecimal, 10 in decimal

const boms = {
  // Note, the following are equals:
  // Buffer.from("\ufeff")
  // Buffer.from([239, 187, 191])
  // Buffer.from('EFBBBF', 'hex')
  utf8: Buffer.from([239, 187, 191]),
  // Note, the following are equals:
  // Buffer.from "\ufeff", 'utf16le
  // Buffer.from([255, 254])
  utf16le: Buffer.from([255, 254]),
};

const transform = function (original_options = {}) {
  const info = {
    bytes: 0,
    bytes_records: 0,
    comment_lines: 0,
    empty_lines: 0,
    invalid_field_length: 0,
    lines: 1,
    records: 0,
  };
  const options = normalize_options(original_options);
  return {
    info: info,
    original_options: original_options,
    options: options,
    state: init_state(options),
    __needMoreData: function (i, bufLen, end) {
      if (end) return false;
      const { encoding, escape, quote } = this.options;
      const { quoting, needMoreDataSize, recordDelimiterMaxLength } =
        this.state;
      const numOfCharLeft = bufLen - i - 1;
      const requiredLength = Math.max(
        needMoreDataSize,
        // Skip if the remaining buffer smaller than record delimiter
        // If "record_delimiter" is yet to be discovered:
        // 1. It is equals to `[]` and "recordDelimiterMaxLength" equals `0`
        // 2. We set the length to windows line ending in the current encoding
        // Note, that encoding is known from user or bom discovery at that point
        // recordDelimiterMaxLength,
        recordDelimiterMaxLength === 0
          ? Buffer.from("\r\n", encoding).length
          : recordDelimiterMaxLength,
        // Skip if remaining buffer can be an escaped quote
        quoting ? (escape === null ? 0 : escape.length) + quote.length : 0,
        // Skip if remaining buffer can be record delimiter following the closing quote
        quoting ? quote.length + recordDelimiterMaxLength : 0,
      );
      return numOfCharLeft < requiredLength;
    },
    // Central parser implementation
    parse: function (nextBuf, end, push, close) {
      const {
        bom,
        comment_no_infix,
        encoding,
        from_line,
        ltrim,
        max_record_size,
        raw,
        relax_quotes,
        rtrim,
        skip_empty_lines,
        to,
        to_line,
      } = this.options;
      let { comment, escape, quote, record_delimiter } = this.options;
      const { bomSkipped, previousBuf, rawBuffer, escapeIsQuote } = this.state;
      let buf;
      if (previousBuf === undefined) {
        if (nextBuf === undefined) {
          // Handle empty string
          close();
          return;
        } else {
          buf = nextBuf;
        }
      } else if (previousBuf !== undefined && nextBuf === undefined) {
        buf = previousBuf;
      } else {
        buf = Buffer.concat([previousBuf, nextBuf]);
      }
      // Handle UTF BOM
      if (bomSkipped === false) {
        if (bom === false) {
          this.state.bomSkipped = true;
        } else if (buf.length < 3) {
          // No enough data
          if (end === false) {
            // Wait for more data
            this.state.previousBuf = buf;
            return;
          }
        } else {
          for (const encoding in boms) {
            if (boms[encoding].compare(buf, 0, boms[encoding].length) === 0) {
              // Skip BOM
              const bomLength = boms[encoding].length;
              this.state.bufBytesStart += bomLength;
              buf = buf.slice(bomLength);
              // Renormalize original options with the new encoding
              const options = normalize_options({
                ...this.original_options,
                encoding: encoding,
              });
              // Properties are merged with the existing options instance
              for (const key in options) {
                this.options[key] = options[key];
              }
              // Options will re-evaluate the Buffer with the new encoding
              ({ comment, escape, quote } = this.options);
              break;
            }
          }
          this.state.bomSkipped = true;
        }
      }
      const bufLen = buf.length;
      let pos;
      for (pos = 0; pos < bufLen; pos++) {
        // Ensure we get enough space to look ahead
        // There should be a way to move this out of the loop
        if (this.__needMoreData(pos, bufLen, end)) {
          break;
        }
        if (this.state.wasRowDelimiter === true) {
          this.info.lines++;
          this.state.wasRowDelimiter = false;
        }
        if (to_line !== -1 && this.info.lines > to_line) {
          this.state.stop = true;
          close();
          return;
        }
        // Auto discovery of record_delimiter, unix, mac and windows supported
        if (this.state.quoting === false && record_delimiter.length === 0) {
          const record_delimiterCount = this.__autoDiscoverRecordDelimiter(
            buf,
            pos,
          );
          if (record_delimiterCount) {
            record_delimiter = this.options.record_delimiter;
          }
        }
        const chr = buf[pos];
        if (raw === true) {
          rawBuffer.append(chr);
        }
        if (
          (chr === api_cr || chr === api_nl) &&
          this.state.wasRowDelimiter === false
        ) {
          this.state.wasRowDelimiter = true;
        }
        // Previous char was a valid escape char
        // treat the current char as a regular char
        if (this.state.escaping === true) {
          this.state.escaping = false;
        } else {
          // Escape is only active inside quoted fields
          // We are quoting, the char is an escape chr and there is a chr to escape
          // if(escape !== null && this.state.quoting === true && chr === escape && pos + 1 < bufLen){
          if (
            escape !== null &&
            this.state.quoting === true &&
            this.__isEscape(buf, pos, chr) &&
            pos + escape.length < bufLen
          ) {
            if (escapeIsQuote) {
              if (this.__isQuote(buf, pos + escape.length)) {
                this.state.escaping = true;
                pos += escape.length - 1;
                continue;
              }
            } else {
              this.state.escaping = true;
              pos += escape.length - 1;
              continue;
            }
          }
          // Not currently escaping and chr is a quote
          // TODO: need to compare bytes instead of single char
          if (this.state.commenting === false && this.__isQuote(buf, pos)) {
            if (this.state.quoting === true) {
              const nextChr = buf[pos + quote.length];
              const isNextChrTrimable =
                rtrim && this.__isCharTrimable(buf, pos + quote.length);
              const isNextChrComment =
                comment !== null &&
                this.__compareBytes(comment, buf, pos + quote.length, nextChr);
              const isNextChrDelimiter = this.__isDelimiter(
                buf,
                pos + quote.length,
                nextChr,
              );
              const isNextChrRecordDelimiter =
                record_delimiter.length === 0
                  ? this.__autoDiscoverRecordDelimiter(buf, pos + quote.length)
                  : this.__isRecordDelimiter(nextChr, buf, pos + quote.length);
              // Escape a quote
              // Treat next char as a regular character
              if (
                escape !== null &&
                this.__isEscape(buf, pos, chr) &&
                this.__isQuote(buf, pos + escape.length)
              ) {
                pos += escape.length - 1;
              } else if (
                !nextChr ||
                isNextChrDelimiter ||
                isNextChrRecordDelimiter ||
                isNextChrComment ||
                isNextChrTrimable
              ) {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                pos += quote.length - 1;
                continue;
              } else if (relax_quotes === false) {
                const err = this.__error(
                  new CsvError(
                    "CSV_INVALID_CLOSING_QUOTE",
                    [
                      "Invalid Closing Quote:",
                      `got "${String.fromCharCode(nextChr)}"`,
                      `at line ${this.info.lines}`,
                      "instead of delimiter, record delimiter, trimable character",
                      "(if activated) or comment",
                    ],
                    this.options,
                    this.__infoField(),
                  ),
                );
                if (err !== undefined) return err;
              } else {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                this.state.field.prepend(quote);
                pos += quote.length - 1;
              }
            } else {
              if (this.state.field.length !== 0) {
                // In relax_quotes mode, treat opening quote preceded by chrs as regular
                if (relax_quotes === false) {
                  const info = this.__infoField();
                  const bom = Object.keys(boms)
                    .map((b) =>
                      boms[b].equals(this.state.field.toString()) ? b : false,
                    )
                    .filter(Boolean)[0];
                  const err = this.__error(
                    new CsvError(
                      "INVALID_OPENING_QUOTE",
                      [
                        "Invalid Opening Quote:",
                        `a quote is found on field ${JSON.stringify(info.column)} at line ${info.lines}, value is ${JSON.stringify(this.state.field.toString(encoding))}`,
                        bom ? `(${bom} bom)` : undefined,
                      ],
                      this.options,
                      info,
                      {
                        field: this.state.field,
                      },
                    ),
                  );
                  if (err !== undefined) return err;
                }
              } else {
                this.state.quoting = true;
                pos += quote.length - 1;
                continue;
              }
            }
          }
          if (this.state.quoting === false) {
            const recordDelimiterLength = this.__isRecordDelimiter(
              chr,
              buf,
              pos,
            );
            if (recordDelimiterLength !== 0) {
              // Do not emit comments which take a full line
              const skipCommentLine =
                this.state.commenting &&
                this.state.wasQuoting === false &&
                this.state.record.length === 0 &&
                this.state.field.length === 0;
              if (skipCommentLine) {
                this.info.comment_lines++;
                // Skip full comment line
              } else {
                // Activate records emission if above from_line
                if (
                  this.state.enabled === false &&
                  this.info.lines +
                    (this.state.wasRowDelimiter === true ? 1 : 0) >=
                    from_line
                ) {
                  this.state.enabled = true;
                  this.__resetField();
                  this.__resetRecord();
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                // Skip if line is empty and skip_empty_lines activated
                if (
                  skip_empty_lines === true &&
                  this.state.wasQuoting === false &&
                  this.state.record.length === 0 &&
                  this.state.field.length === 0
                ) {
                  this.info.empty_lines++;
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                this.info.bytes = this.state.bufBytesStart + pos;
                const errField = this.__onField();
                if (errField !== undefined) return errField;
                this.info.bytes =
                  this.state.bufBytesStart + pos + recordDelimiterLength;
                const errRecord = this.__onRecord(push);
                if (errRecord !== undefined) return errRecord;
                if (to !== -1 && this.info.records >= to) {
                  this.state.stop = true;
                  close();
                  return;
                }
              }
              this.state.commenting = false;
              pos += recordDelimiterLength - 1;
              continue;
            }
            if (this.state.commenting) {
              continue;
            }
            if (
              comment !== null &&
              (comment_no_infix === false ||
                (this.state.record.length === 0 &&
                  this.state.field.length === 0))
            ) {
              const commentCount = this.__compareBytes(comment, buf, pos, chr);
              if (commentCount !== 0) {
                this.state.commenting = true;
                continue;
              }
            }
            const delimiterLength = this.__isDelimiter(buf, pos, chr);
            if (delimiterLength !== 0) {
              this.info.bytes = this.state.bufBytesStart + pos;
              const errField = this.__onField();
              if (errField !== undefined) return errField;
              pos += delimiterLength - 1;
              continue;
            }
          }
        }
        if (this.state.commenting === false) {
          if (
            max_record_size !== 0 &&
            this.state.record_length + this.state.field.length > max_record_size
          ) {
            return this.__error(
              new CsvError(
                "CSV_MAX_RECORD_SIZE",
                [
                  "Max Record Size:",
                  "record exceed the maximum number of tolerated bytes",
                  `of ${max_record_size}`,
                  `at line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
              ),
            );
          }
        }
        const lappend =
          ltrim === false ||
          this.state.quoting === true ||
          this.state.field.length !== 0 ||
          !this.__isCharTrimable(buf, pos);
        // rtrim in non quoting is handle in __onField
        const rappend = rtrim === false || this.state.wasQuoting === false;
        if (lappend === true && rappend === true) {
          this.state.field.append(chr);
        } else if (rtrim === true && !this.__isCharTrimable(buf, pos)) {
          return this.__error(
            new CsvError(
              "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE",
              [
                "Invalid Closing Quote:",
                "found non trimable byte after quote",
                `at line ${this.info.lines}`,
              ],
              this.options,
              this.__infoField(),
            ),
          );
        } else {
          if (lappend === false) {
            pos += this.__isCharTrimable(buf, pos) - 1;
          }
          continue;
        }
      }
      if (end === true) {
        // Ensure we are not ending in a quoting state
        if (this.state.quoting === true) {
          const err = this.__error(
            new CsvError(
              "CSV_QUOTE_NOT_CLOSED",
              [
                "Quote Not Closed:",
                `the parsing is finished with an opening quote at line ${this.info.lines}`,
              ],
              this.options,
              this.__infoField(),
            ),
          );
          if (err !== undefined) return err;
        } else {
          // Skip last line if it has no characters
          if (
            this.state.wasQuoting === true ||
            this.state.record.length !== 0 ||
            this.state.field.length !== 0
          ) {
            this.info.bytes = this.state.bufBytesStart + pos;
            const errField = this.__onField();
            if (errField !== undefined) return errField;
            const errRecord = this.__onRecord(push);
            if (errRecord !== undefined) return errRecord;
          } else if (this.state.wasRowDelimiter === true) {
            this.info.empty_lines++;
          } else if (this.state.commenting === true) {
            this.info.comment_lines++;
          }
        }
      } else {
        this.state.bufBytesStart += pos;
        this.state.previousBuf = buf.slice(pos);
      }
      if (this.state.wasRowDelimiter === true) {
        this.info.lines++;
        this.state.wasRowDelimiter = false;
      }
    },
    __onRecord: function (push) {
      const {
        columns,
        group_columns_by_name,
        encoding,
        info,
        from,
        relax_column_count,
        relax_column_count_less,
        relax_column_count_more,
        raw,
        skip_records_with_empty_values,
      } = this.options;
      const { enabled, record } = this.state;
      if (enabled === false) {
        return this.__resetRecord();
      }
      // Convert the first line into column names
      const recordLength = record.length;
      if (columns === true) {
        if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
          this.__resetRecord();
          return;
        }
        return this.__firstLineToColumns(record);
      }
      if (columns === false && this.info.records === 0) {
        this.state.expectedRecordLength = recordLength;
      }
      if (recordLength !== this.state.expectedRecordLength) {
        const err =
          columns === false
            ? new CsvError(
                "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH",
                [
                  "Invalid Record Length:",
                  `expect ${this.state.expectedRecordLength},`,
                  `got ${recordLength} on line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
                {
                  record: record,
                },
              )
            : new CsvError(
                "CSV_RECORD_INCONSISTENT_COLUMNS",
                [
                  "Invalid Record Length:",
                  `columns length is ${columns.length},`, // rename columns
                  `got ${recordLength} on line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
                {
                  record: record,
                },
              );
        if (
          relax_column_count === true ||
          (relax_column_count_less === true &&
            recordLength < this.state.expectedRecordLength) ||
          (relax_column_count_more === true &&
            recordLength > this.state.expectedRecordLength)
        ) {
          this.info.invalid_field_length++;
          this.state.error = err;
          // Error is undefined with skip_records_with_error
        } else {
          const finalErr = this.__error(err);
          if (finalErr) return finalErr;
        }
      }
      if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
        this.__resetRecord();
        return;
      }
      if (this.state.recordHasError === true) {
        this.__resetRecord();
        this.state.recordHasError = false;
        return;
      }
      this.info.records++;
      if (from === 1 || this.info.records >= from) {
        const { objname } = this.options;
        // With columns, records are object
        if (columns !== false) {
          const obj = {};
          // Transform record array to an object
          for (let i = 0, l = record.length; i < l; i++) {
            if (columns[i] === undefined || columns[i].disabled) continue;
            // Turn duplicate columns into an array
            if (
              group_columns_by_name === true &&
              obj[columns[i].name] !== undefined
            ) {
              if (Array.isArray(obj[columns[i].name])) {
                obj[columns[i].name] = obj[columns[i].name].concat(record[i]);
              } else {
                obj[columns[i].name] = [obj[columns[i].name], record[i]];
              }
            } else {
              obj[columns[i].name] = record[i];
            }
          }
          // Without objname (default)
          if (raw === true || info === true) {
            const extRecord = Object.assign(
              { record: obj },
              raw === true
                ? { raw: this.state.rawBuffer.toString(encoding) }
                : {},
              info === true ? { info: this.__infoRecord() } : {},
            );
            const err = this.__push(
              objname === undefined ? extRecord : [obj[objname], extRecord],
              push,
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === undefined ? obj : [obj[objname], obj],
              push,
            );
            if (err) {
              return err;
            }
          }
          // Without columns, records are array
        } else {
          if (raw === true || info === true) {
            const extRecord = Object.assign(
              { record: record },
              raw === true
                ? { raw: this.state.rawBuffer.toString(encoding) }
                : {},
              info === true ? { info: this.__infoRecord() } : {},
            );
            const err = this.__push(
              objname === undefined ? extRecord : [record[objname], extRecord],
              push,
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === undefined ? record : [record[objname], record],
              push,
            );
            if (err) {
              return err;
            }
          }
        }
      }
      this.__resetRecord();
    },
    __firstLineToColumns: function (record) {
      const { firstLineToHeaders } = this.state;
      try {
        const headers =
          firstLineToHeaders === undefined
            ? record
            : firstLineToHeaders.call(null, record);
        if (!Array.isArray(headers)) {
          return this.__error(
            new CsvError(
              "CSV_INVALID_COLUMN_MAPPING",
              [
                "Invalid Column Mapping:",
                "expect an array from column function,",
                `got ${JSON.stringify(headers)}`,
              ],
              this.options,
              this.__infoField(),
              {
                headers: headers,
              },
            ),
          );
        }
        const normalizedHeaders = normalize_columns_array(headers);
        this.state.expectedRecordLength = normalizedHeaders.length;
        this.options.columns = normalizedHeaders;
        this.__resetRecord();
        return;
      } catch (err) {
        return err;
      }
    },
    __resetRecord: function () {
      if (this.options.raw === true) {
        this.state.rawBuffer.reset();
      }
      this.state.error = undefined;
      this.state.record = [];
      this.state.record_length = 0;
    },
    __onField: function () {
      const { cast, encoding, rtrim, max_record_size } = this.options;
      const { enabled, wasQuoting } = this.state;
      // Short circuit for the from_line options
      if (enabled === false) {
        return this.__resetField();
      }
      let field = this.state.field.toString(encoding);
      if (rtrim === true && wasQuoting === false) {
        field = field.trimRight();
      }
      if (cast === true) {
        const [err, f] = this.__cast(field);
        if (err !== undefined) return err;
        field = f;
      }
      this.state.record.push(field);
      // Increment record length if record size must not exceed a limit
      if (max_record_size !== 0 && typeof field === "string") {
        this.state.record_length += field.length;
      }
      this.__resetField();
    },
    __resetField: function () {
      this.state.field.reset();
      this.state.wasQuoting = false;
    },
    __push: function (record, push) {
      const { on_record } = this.options;
      if (on_record !== undefined) {
        const info = this.__infoRecord();
        try {
          record = on_record.call(null, record, info);
        } catch (err) {
          return err;
        }
        if (record === undefined || record === null) {
          return;
        }
      }
      this.info.bytes_records += this.info.bytes;
      push(record);
    },
    // Return a tuple with the error and the casted value
    __cast: function (field) {
      const { columns, relax_column_count } = this.options;
      const isColumns = Array.isArray(columns);
      // Dont loose time calling cast
      // because the final record is an object
      // and this field can't be associated to a key present in columns
      if (
        isColumns === true &&
        relax_column_count &&
        this.options.columns.length <= this.state.record.length
      ) {
        return [undefined, undefined];
      }
      if (this.state.castField !== null) {
        try {
          const info = this.__infoField();
          return [undefined, this.state.castField.call(null, field, info)];
        } catch (err) {
          return [err];
        }
      }
      if (this.__isFloat(field)) {
        return [undefined, parseFloat(field)];
      } else if (this.options.cast_date !== false) {
        const info = this.__infoField();
        return [undefined, this.options.cast_date.call(null, field, info)];
      }
      return [undefined, field];
    },
    // Helper to test if a character is a space or a line delimiter
    __isCharTrimable: function (buf, pos) {
      const isTrim = (buf, pos) => {
        const { timchars } = this.state;
        loop1: for (let i = 0; i < timchars.length; i++) {
          const timchar = timchars[i];
          for (let j = 0; j < timchar.length; j++) {
            if (timchar[j] !== buf[pos + j]) continue loop1;
          }
          return timchar.length;
        }
        return 0;
      };
      return isTrim(buf, pos);
    },
    // Keep it in case we implement the `cast_int` option
    // __isInt(value){
    //   // return Number.isInteger(parseInt(value))
    //   // return !isNaN( parseInt( obj ) );
    //   return /^(\-|\+)?[1-9][0-9]*$/.test(value)
    // }
    __isFloat: function (value) {
      return value - parseFloat(value) + 1 >= 0; // Borrowed from jquery
    },
    __compareBytes: function (sourceBuf, targetBuf, targetPos, firstByte) {
      if (sourceBuf[0] !== firstByte) return 0;
      const sourceLength = sourceBuf.length;
      for (let i = 1; i < sourceLength; i++) {
        if (sourceBuf[i] !== targetBuf[targetPos + i]) return 0;
      }
      return sourceLength;
    },
    __isDelimiter: function (buf, pos, chr) {
      const { delimiter, ignore_last_delimiters } = this.options;
      if (
        ignore_last_delimiters === true &&
        this.state.record.length === this.options.columns.length - 1
      ) {
        return 0;
      } else if (
        ignore_last_delimiters !== false &&
        typeof ignore_last_delimiters === "number" &&
        this.state.record.length === ignore_last_delimiters - 1
      ) {
        return 0;
      }
      loop1: for (let i = 0; i < delimiter.length; i++) {
        const del = delimiter[i];
        if (del[0] === chr) {
          for (let j = 1; j < del.length; j++) {
            if (del[j] !== buf[pos + j]) continue loop1;
          }
          return del.length;
        }
      }
      return 0;
    },
    __isRecordDelimiter: function (chr, buf, pos) {
      const { record_delimiter } = this.options;
      const recordDelimiterLength = record_delimiter.length;
      loop1: for (let i = 0; i < recordDelimiterLength; i++) {
        const rd = record_delimiter[i];
        const rdLength = rd.length;
        if (rd[0] !== chr) {
          continue;
        }
        for (let j = 1; j < rdLength; j++) {
          if (rd[j] !== buf[pos + j]) {
            continue loop1;
          }
        }
        return rd.length;
      }
      return 0;
    },
    __isEscape: function (buf, pos, chr) {
      const { escape } = this.options;
      if (escape === null) return false;
      const l = escape.length;
      if (escape[0] === chr) {
        for (let i = 0; i < l; i++) {
          if (escape[i] !== buf[pos + i]) {
            return false;
          }
        }
        return true;
      }
      return false;
    },
    __isQuote: function (buf, pos) {
      const { quote } = this.options;
      if (quote === null) return false;
      const l = quote.length;
      for (let i = 0; i < l; i++) {
        if (quote[i] !== buf[pos + i]) {
          return false;
        }
      }
      return true;
    },
    __autoDiscoverRecordDelimiter: function (buf, pos) {
      const { encoding } = this.options;
      // Note, we don't need to cache this information in state,
      // It is only called on the first line until we find out a suitable
      // record delimiter.
      const rds = [
        // Important, the windows line ending must be before mac os 9
        Buffer.from("\r\n", encoding),
        Buffer.from("\n", encoding),
        Buffer.from("\r", encoding),
      ];
      loop: for (let i = 0; i < rds.length; i++) {
        const l = rds[i].length;
        for (let j = 0; j < l; j++) {
          if (rds[i][j] !== buf[pos + j]) {
            continue loop;
          }
        }
        this.options.record_delimiter.push(rds[i]);
        this.state.recordDelimiterMaxLength = rds[i].length;
        return rds[i].length;
      }
      return 0;
    },
    __error: function (msg) {
      const { encoding, raw, skip_records_with_error } = this.options;
      const err = typeof msg === "string" ? new Error(msg) : msg;
      if (skip_records_with_error) {
        this.state.recordHasError = true;
        if (this.options.on_skip !== undefined) {
          try {
            this.options.on_skip(
              err,
              raw ? this.state.rawBuffer.toString(encoding) : undefined,
            );
          } catch (err) {
            return err;
          }
        }
        // this.emit('skip', err, raw ? this.state.rawBuffer.toString(encoding) : undefined);
        return undefined;
      } else {
        return err;
      }
    },
    __infoDataSet: function () {
      return {
        ...this.info,
        columns: this.options.columns,
      };
    },
    __infoRecord: function () {
      const { columns, raw, encoding } = this.options;
      return {
        ...this.__infoDataSet(),
        bytes_records: this.info.bytes,
        error: this.state.error,
        header: columns === true,
        index: this.state.record.length,
        raw: raw ? this.state.rawBuffer.toString(encoding) : undefined,
      };
    },
    __infoField: function () {
      const { columns } = this.options;
      const isColumns = Array.isArray(columns);
      // Bytes records are only incremented when all records'fields are parsed
      const bytes_records = this.info.bytes_records;
      return {
        ...this.__infoRecord(),
        bytes_records: bytes_records,
        column:
          isColumns === true
            ? columns.length > this.state.record.length
              ? columns[this.state.record.length].name
              : null
            : this.state.record.length,
        quoting: this.state.wasQuoting,
      };
    },
  };
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/sync.js


const parse = function (data, opts = {}) {
  if (typeof data === "string") {
    data = Buffer.from(data);
  }
  const records = opts && opts.objname ? {} : [];
  const parser = transform(opts);
  const push = (record) => {
    if (parser.options.objname === undefined) records.push(record);
    else {
      records[record[0]] = record[1];
    }
  };
  const close = () => {};
  const error = parser.parse(data, true, push, close);
  if (error !== undefined) throw error;
  // 250606: `parser.parse` was implemented as 2 calls:
  // const err1 = parser.parse(data, false, push, close);
  // if (err1 !== undefined) throw err1;
  // const err2 = parser.parse(undefined, true, push, close);
  // if (err2 !== undefined) throw err2;
  return records;
};

// export default parse



;// CONCATENATED MODULE: ./src/docker/output-spec.ts
/**
 * `--output` and `--cache-to` specs as buildx reads them: a CSV record of `key=value`
 * fields (buildx uses Go's encoding/csv; keys are case-insensitive), a single field that
 * does not start with `type=` meaning `type=local,dest=<it>`, and `-` meaning
 * `type=tar,dest=-`. Booleans follow Go's strconv.ParseBool, as BuildKit reads them. Pure.
 */


/** The fields of one spec, keys lower-cased. `input` and `entry` only name it in an error. */
function parseFields(input, spec, entry) {
    return keyValues(input, csvFields(input, spec, entry), entry);
}
function csvFields(input, spec, entry) {
    try {
        const records = parse(spec, { relaxQuotes: true });
        return records[0] ?? [];
    }
    catch {
        throw new errors/* InputError */.dz(input, `not a valid ${what(input)}: expected comma-separated key=value fields`, entry);
    }
}
function keyValues(input, fields, entry) {
    const attrs = new Map();
    for (const f of fields) {
        const eq = f.indexOf('=');
        if (eq <= 0)
            throw new errors/* InputError */.dz(input, `not a valid ${what(input)}: every field must be key=value`, entry);
        attrs.set(f.slice(0, eq).trim().toLowerCase(), f.slice(eq + 1));
    }
    return attrs;
}
const what = (input) => (input === 'outputs' ? 'output' : 'cache export');
/**
 * buildx's rule (util/buildflags/export.go): one CSV field that is the whole text and does not
 * start with `type=` (case-sensitive) is a path, `type=local,dest=<it>`, or `-`, a tar to stdout.
 */
function parseOutput(spec, entry) {
    const fields = csvFields('outputs', spec, entry);
    if (fields.length === 1 && fields[0] === spec && !spec.startsWith('type='))
        return spec === '-' ? { type: 'tar', attrs: new Map([['dest', '-']]) } : { type: 'local', attrs: new Map([['dest', spec]]) };
    const attrs = keyValues('outputs', fields, entry);
    const type = attrs.get('type') ?? '';
    attrs.delete('type');
    if (!type)
        throw new errors/* InputError */.dz('outputs', 'the output has no type=', entry);
    return { type, attrs };
}
/** Back to the flag value, each field quoted only when it must be. */
function formatOutput(o) {
    const quote = (f) => (/[",\n\r]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
    return [`type=${o.type}`, ...[...o.attrs].map(([k, v]) => `${k}=${v}`)].map(quote).join(',');
}
/** Go's strconv.ParseBool; `fallback` for anything else (BuildKit then errors or ignores). */
function goBool(v, fallback) {
    if (v === undefined)
        return fallback;
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v))
        return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v))
        return false;
    return fallback;
}
/** Written to a file or directory on this runner: the exporter's own artefact, which can be scanned and then moved into place. */
function isFileOutput(o) {
    return ['local', 'tar', 'oci', 'docker'].includes(o.type) && !!o.attrs.get('dest');
}
/** buildx sends a tar or OCI export without a destination to stdout, which the action prints. */
function writesToStdout(o) {
    const dest = o.attrs.get('dest');
    return (['tar', 'oci'].includes(o.type) && (dest === undefined || dest === '' || dest === '-')) || dest === '-';
}
/** Leaves the runner: a registry push (`push=` with no value counts as true in BuildKit). */
function isPush(o) {
    const push = o.attrs.get('push');
    return o.type === 'registry' || (o.type === 'image' && push !== undefined && (push === '' || goBool(push, false)));
}
/** A file output written as a directory: `type=local`, or `tar=false` for the OCI and docker exporters. */
function isDirOutput(o) {
    return o.type === 'local' || !goBool(o.attrs.get('tar'), true);
}
/**
 * The `cache-from` entries (1-based) buildx drops without an error (build/opt.go isActive):
 * `type=gha` without a token or a cache URL, given neither as attributes nor by the
 * runner's environment (ACTIONS_RUNTIME_TOKEN, ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL).
 */
function inactiveGhaImports(specs, env) {
    return specs.flatMap((spec, k) => {
        const attrs = /^type=/i.test(spec) || spec.includes(',') ? parseFields('cache-from', spec, k + 1) : new Map();
        if (attrs.get('type') !== 'gha')
            return [];
        const attr = (key, fallback) => (attrs.has(key) ? attrs.get(key) : fallback);
        const v2 = attr('version', goBool(env.ACTIONS_CACHE_SERVICE_V2, false) ? '2' : undefined) === '2';
        const token = attr('token', env.ACTIONS_RUNTIME_TOKEN);
        const url = attr('url', env.ACTIONS_CACHE_URL ?? env.ACTIONS_RESULTS_URL);
        const urlV2 = attr('url_v2', v2 ? env.ACTIONS_RESULTS_URL : undefined);
        return token && (url || urlV2) ? [] : [k + 1];
    });
}

;// CONCATENATED MODULE: ./src/inputs/table.ts
/**
 * The one table of the action's inputs. Everything else derives from it: reading
 * (`read.ts`), the buildx command line (`docker/buildx-args.ts`), the check that no
 * build input carries a secret, and the test that `action.yml` declares exactly these
 * inputs with these defaults. Add an input here and in `action.yml`, nowhere else.
 */
const string = { type: 'string' };
const bool = { type: 'bool' };
const list = { type: 'list' };
const listNoComma = { type: 'list', ignoreComma: true };
const secret = { type: 'secret' };
const INPUTS = {
    // Secrets: one id namespace across all of them.
    secrets: { kind: secret },
    'secret-envs': { kind: secret },
    'secret-files': { kind: secret },
    'secrets-json': { kind: secret },
    'secret-map': { kind: secret },
    /** `sshid=secretid`: a secret holding a private key, forwarded to RUN --mount=type=ssh from the vault. */
    'ssh-secrets': { kind: secret },
    /** build-push-action's token for a Git context on the workflow's server: mounted as GIT_AUTH_TOKEN.<host>. */
    'github-token': { kind: secret, default: '${{ github.token }}' },
    // Build: build-push-action's names and list syntax.
    // Empty: build-push-action's default, the workflow's repository as a Git context.
    context: { kind: string, buildx: { positional: true } },
    file: { kind: string, buildx: { flag: '--file' } },
    target: { kind: string, buildx: { flag: '--target' } },
    tags: { kind: list, buildx: { flag: '--tag', each: true } },
    labels: { kind: listNoComma, buildx: { flag: '--label', each: true } },
    'build-args': { kind: listNoComma, buildx: { flag: '--build-arg', each: true } },
    platforms: { kind: list, buildx: { flag: '--platform', joined: true } },
    push: { kind: bool, default: 'false', buildx: { flag: '--push', when: true } },
    load: { kind: bool, default: 'false', buildx: { flag: '--load', when: true } },
    outputs: { kind: { type: 'list', ignoreComma: true, quote: false }, buildx: { flag: '--output', each: true } },
    'cache-from': { kind: listNoComma, buildx: { flag: '--cache-from', each: true } },
    'cache-to': { kind: listNoComma, buildx: { flag: '--cache-to', each: true } },
    'no-cache': { kind: bool, default: 'false', buildx: { flag: '--no-cache', when: true } },
    pull: { kind: bool, default: 'false', buildx: { flag: '--pull', when: true } },
    builder: { kind: string, buildx: { flag: '--builder' } },
    network: { kind: string, buildx: { flag: '--network' } },
    'build-contexts': { kind: listNoComma, buildx: { flag: '--build-context', each: true } },
    provenance: { kind: string, buildx: { flag: '--provenance', equals: true } },
    sbom: { kind: string, buildx: { flag: '--sbom', equals: true } },
    'add-hosts': { kind: list, buildx: { flag: '--add-host', each: true } },
    allow: { kind: list, buildx: { flag: '--allow', each: true } },
    annotations: { kind: listNoComma, buildx: { flag: '--annotation', each: true } },
    attests: { kind: listNoComma, buildx: { flag: '--attest', each: true } },
    call: { kind: string, buildx: { flag: '--call' } },
    'cgroup-parent': { kind: string, buildx: { flag: '--cgroup-parent' } },
    'no-cache-filters': { kind: list, buildx: { flag: '--no-cache-filter', each: true } },
    'shm-size': { kind: string, buildx: { flag: '--shm-size' } },
    ssh: { kind: list, buildx: { flag: '--ssh', each: true } },
    ulimit: { kind: listNoComma, buildx: { flag: '--ulimit', each: true } },
    'extra-args': { kind: { type: 'lines' }, buildx: { verbatim: true } },
    // Behaviour
    'tmpfs-dir': { kind: string },
    'allow-disk-fallback': { kind: bool, default: 'false' },
    'leak-check': { kind: { type: 'enum', values: ['error', 'warn', 'off'] }, default: 'error' },
    'allow-missing-optional-secrets': { kind: bool, default: 'false' },
    /** Preflight rule ids silenced for the run (docs/rules/). */
    'preflight-ignore': { kind: list },
    'on-missing-secrets': { kind: { type: 'enum', values: ['fail', 'skip'] }, default: 'fail' }
};
const BUILD_INPUT_NAMES = Object.keys(INPUTS).filter((n) => 'buildx' in INPUTS[n]);
function inputDef(name) {
    return INPUTS[name];
}
/** The action's outputs, as action.yml declares them. */
const OUTPUTS = (/* unused pure expression or super */ null && (['imageid', 'digest', 'metadata', 'skipped']));

;// CONCATENATED MODULE: ./src/docker/buildx-args.ts
/**
 * The `docker buildx build` command line, from the build inputs through the flag
 * styles of the inputs table. Pure. Secrets appear only as `id=<id>,src=<vault file>`:
 * never a value, never `env=`.
 */



/**
 * The short flag an argument gives buildx build a value for, as its flag parser (pflag) reads
 * a group of short flags: `-q` takes no value, the first other letter takes the rest of the
 * word or the next one (`-fX`, `-qf X`, `-qtX`). undefined for anything else.
 */
function shortFlag(arg) {
    if (!/^-[^-]/.test(arg))
        return undefined;
    return [...arg.slice(1)].find((c) => c !== 'q');
}
function flagArgs(style, value) {
    if ('positional' in style)
        return [];
    if ('verbatim' in style)
        return value;
    if ('when' in style)
        return value ? [style.flag] : [];
    if ('each' in style)
        return value.flatMap((v) => [style.flag, v]);
    const text = 'joined' in style ? value.join(',') : value;
    if (text === '')
        return [];
    return 'equals' in style ? [`${style.flag}=${text}`] : [style.flag, text];
}
/** `ssh`: vault files forwarded as SSH keys (`--ssh <id>=<file>`), by ssh id. */
function buildxArgs(b, mounts, files, ssh = []) {
    // The action owns the progress format: other modes re-encode output past the scrubber.
    const args = ['buildx', 'build', '--progress=plain'];
    // Verbatim extra-args go last before the context, so the table's flags come first.
    for (const name of BUILD_INPUT_NAMES.filter((n) => n !== 'extra-args'))
        args.push(...flagArgs(INPUTS[name].buildx, b[name]));
    for (const m of mounts)
        args.push('--secret', `id=${m.id},src=${m.file}`);
    for (const k of ssh)
        args.push('--ssh', `${k.id}=${k.file}`);
    // buildx refuses an image id file with the local and tar exporters (no image is made).
    if (!b.outputs.some((o, k) => ['local', 'tar'].includes(parseOutput(o, k + 1).type)))
        args.push('--iidfile', files.iidFile);
    args.push('--metadata-file', files.metadataFile);
    args.push(...b['extra-args'], b.context);
    return args;
}
/** Build inputs reach argv and image history, so none may carry a secret: checked for every input of the table. */
function assertNoSecretsInBuildInputs(b, redactor) {
    for (const name of BUILD_INPUT_NAMES) {
        const value = b[name];
        if (typeof value === 'boolean')
            continue;
        (Array.isArray(value) ? value : [value]).forEach((v, k) => {
            const ids = redactor.secretsIn(v);
            if (ids.length)
                throw new errors/* InputError */.dz(name, `contains the value of secret "${ids[0]}": pass it as a secret, not on the command line`, Array.isArray(value) ? k + 1 : undefined);
        });
    }
}

;// CONCATENATED MODULE: ./src/inputs/env-switches.ts
/** Switches build-push-action reads from the environment, read the same way here. Pure. */
/**
 * A switch build-push-action reads from the environment (DOCKER_BUILD_SUMMARY,
 * DOCKER_BUILD_CHECKS_ANNOTATIONS, BUILDX_SEND_GIT_QUERY_AS_INPUT): `fallback` when unset,
 * else Go's boolean words (`1`, `t`, `true`… / `0`, `f`, `false`…).
 */
function envSwitch(env, name, fallback) {
    const v = (env[name] ?? '').trim();
    if (/^(1|t|true)$/i.test(v))
        return true;
    if (/^(0|f|false)$/i.test(v))
        return false;
    return fallback;
}

;// CONCATENATED MODULE: ./src/inputs/git-context.ts
/**
 * The workflow's own repository as a Git context (build-push-action's default context),
 * contexts BuildKit fetches itself, and the token BuildKit fetches them with. Pure.
 */

/**
 * The default context: the workflow's own repository as a Git context,
 * `<server>/<owner>/<repo>.git#<sha>` (build-push-action's "fragment" format), or with
 * BUILDX_SEND_GIT_QUERY_AS_INPUT true its "query" format `….git?ref=<sha>` (which needs
 * buildx 0.29: build-push-action checks the version, this action leaves it to buildx);
 * also what `{{defaultContext}}` stands for in `context` and `build-contexts`.
 */
const DEFAULT_CONTEXT = '{{defaultContext}}';
function defaultGitContext(env) {
    const server = env.GITHUB_SERVER_URL;
    const repo = env.GITHUB_REPOSITORY;
    if (!server || !repo)
        return undefined;
    const raw = env.GITHUB_REF ?? '';
    const ref = raw && !raw.startsWith('refs/') ? `refs/heads/${raw}` : raw;
    const at = env.GITHUB_SHA || ref;
    const url = `${server.replace(/\/+$/, '')}/${repo}.git`;
    if (at && envSwitch(env, 'BUILDX_SEND_GIT_QUERY_AS_INPUT', false))
        return `${url}?ref=${at}`;
    return `${url}${at ? `#${at}` : ''}`;
}
/** A context BuildKit fetches itself (Git or HTTP), not a directory on the runner. */
function isRemoteContext(context) {
    return /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(context);
}
/**
 * The secret BuildKit uses to fetch a Git context from the workflow's own server,
 * `GIT_AUTH_TOKEN.<host>`, when one of the contexts is there.
 */
function gitAuthSecretId(contexts, env) {
    if (!env.GITHUB_SERVER_URL)
        return undefined;
    let host;
    try {
        host = new URL(env.GITHUB_SERVER_URL).host;
    }
    catch {
        return undefined;
    }
    return contexts.some((c) => contextHost(c) === host) ? `GIT_AUTH_TOKEN.${host}` : undefined;
}
/** The host a remote context is fetched from, compared exactly: a substring match would hand the token to another host's Dockerfile. */
function contextHost(context) {
    const url = context.replace(/^[\w.-]+=(?=[a-z][a-z0-9+.-]*:\/\/|git@)/i, ''); // a build-contexts entry is name=url
    const scp = /^git@([^:/]+):/.exec(url);
    if (scp)
        return scp[1];
    if (!isRemoteContext(url))
        return undefined;
    try {
        return new URL(url).host;
    }
    catch {
        return undefined;
    }
}
/** `https://<userinfo>@…` (also after a build-contexts `name=`): the scheme, the user info, the rest. */
const URL_USERINFO = /^([\w.-]+=)?(https?:\/\/)([^@/?#]*)@([^/?#]+)(.*)$/is;
/**
 * A Git context URL with a token in it (build-push-action's README: `https://<token>@github.com/…#ref`),
 * the token moved out: on argv it would be in every process listing, the log and the builder's
 * history record. BuildKit sends GIT_AUTH_TOKEN.<host> as the password of that host's fetches
 * (user `x-access-token`): `https://<token>@` gives the token, `user:password` its password (the
 * user name is dropped; GitHub, GitLab and Azure DevOps take any user name with a token).
 */
function takeUrlToken(text, input, entry) {
    const m = URL_USERINFO.exec(text);
    if (!m)
        return { text };
    const [, name = '', scheme, userinfo, host, rest] = m;
    const colon = userinfo.indexOf(':');
    const token = decode(colon === -1 ? userinfo : userinfo.slice(colon + 1));
    const stripped = `${name}${scheme}${host}${rest}`;
    // An empty password (`https://user:@host`) is nothing to send.
    if (!token)
        return { text: stripped };
    return { text: stripped, token: { id: `GIT_AUTH_TOKEN.${host}`, input, entry, value: token } };
}
function decode(s) {
    try {
        return decodeURIComponent(s);
    }
    catch {
        return s;
    }
}

;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_namespaceObject.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
// EXTERNAL MODULE: external "fs"
var external_fs_ = __nccwpck_require__(9896);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_.appendFileSync(filePath, `${utils_toCommandValue(message)}${external_os_namespaceObject.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = utils_toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_namespaceObject.EOL}${convertedValue}${external_os_namespaceObject.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
// EXTERNAL MODULE: external "path"
var external_path_ = __nccwpck_require__(6928);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_.constants.R_OK | external_fs_.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_namespaceObject.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_namespaceObject.platform();
const arch = external_os_namespaceObject.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return file_command_issueFileCommand('OUTPUT', file_command_prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_namespaceObject.EOL);
    command_issueCommand('set-output', { name }, utils_toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    command_issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    command_issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_namespaceObject.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    command_issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    command_issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return file_command_issueFileCommand('STATE', file_command_prepareKeyValueMessage(name, value));
    }
    command_issueCommand('save-state', { name }, utils_toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
// EXTERNAL MODULE: ./src/secrets/values.ts
var values = __nccwpck_require__(3795);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: ./src/inputs/provenance.ts
/**
 * build-push-action's default provenance, from the runner's environment and the event
 * payload it writes (whether the repository is private); pure but for reading that file.
 */

/** The workflow run, as build-push-action names the builder in provenance. */
function builderId(env) {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run, GITHUB_RUN_ATTEMPT: attempt } = env;
    if (!server || !repo || !run)
        return undefined;
    return `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}${attempt ? `/attempts/${attempt}` : ''}`;
}
function repositoryIsPrivate(env) {
    try {
        const payload = JSON.parse(external_node_fs_.readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8'));
        return payload.repository?.private === true;
    }
    catch {
        return false;
    }
}
/**
 * build-push-action's provenance when the input is empty: `mode=max` for a public
 * repository, `mode=min,inline-only=true` for a private one, with the run as builder-id;
 * none when BUILDX_NO_DEFAULT_ATTESTATIONS is set or the image goes to the docker
 * exporter (load), which cannot store attestations on the classic image store. Added only
 * on a builder that build-push-action adds it on (docker/builder.ts takesDefaultProvenance).
 */
function defaultProvenance(env, loads) {
    if (loads || /^(1|true)$/i.test(env.BUILDX_NO_DEFAULT_ATTESTATIONS ?? ''))
        return '';
    const id = builderId(env);
    const mode = repositoryIsPrivate(env) ? 'mode=min,inline-only=true' : 'mode=max';
    return id ? `${mode},builder-id=${id}` : mode;
}

;// CONCATENATED MODULE: ./src/inputs/call.ts
/** The `call` input (buildx `--call`), read strictly. Pure. */

const CALL_METHODS = ['build', 'check', 'outline', 'targets'];
const CALL_OPTIONS = /^(format=(json|text)|ignorestatus=(true|false))$/;
/**
 * The method of a `call` value, read as buildx reads `--call` (a CSV record whose one
 * field without `=` is the method), from a strict grammar: a value the action and
 * buildx could read differently would let a build run where the action saw a check.
 */
function parseCall(call) {
    const fields = call.split(',').map((f) => f.trim());
    const methods = fields.filter((f) => !f.includes('='));
    if (methods.length > 1 || !fields.filter((f) => f.includes('=')).every((f) => CALL_OPTIONS.test(f)) || !CALL_METHODS.includes(methods[0] ?? 'build')) {
        throw new errors/* InputError */.dz('call', `expected one of ${CALL_METHODS.join(', ')}, optionally with format=json|text or ignorestatus=true|false`);
    }
    return methods[0] ?? 'build';
}

;// CONCATENATED MODULE: ./src/inputs/lists.ts
/**
 * List inputs, parsed exactly as docker/build-push-action parses them
 * (`Util.getList` of @docker/actions-toolkit): each line is a CSV record, so a quoted
 * entry loses its quotes and may hold commas or newlines; without `ignoreComma` every
 * field is an entry, with it a record's fields are joined back with commas. Lines are
 * not comments. Pure.
 */


/** The entries of a list input; `input` only names the input in an error. */
function parseList(input, text, o = {}) {
    const trimmed = o.trimWhitespace === false ? text : text.trim();
    if (trimmed === '')
        return [];
    const entries = [];
    for (const record of csvRecords(input, trimmed, o)) {
        if (o.ignoreComma)
            entries.push(record.join(','));
        else
            entries.push(...(record.length === 1 ? record[0].split(',') : record));
    }
    return entries.filter((e) => e).map((e) => (o.trimWhitespace === false ? e : e.trim()));
}
function csvRecords(input, text, o) {
    try {
        return parse(text, { columns: false, relaxQuotes: true, relaxColumnCount: true, skipEmptyLines: true, quote: o.quote === false ? false : '"' });
    }
    catch (e) {
        // csv-parse quotes the offending text in its messages: keep only where it failed.
        const line = e.lines;
        throw new errors/* InputError */.dz(input, `not a valid list (unbalanced double quotes${line ? ` near line ${line}` : ''}); quote an entry as "a,b" and write "" for a literal quote`);
    }
}

;// CONCATENATED MODULE: ./src/inputs/secret-specs.ts
/**
 * Parsing of the three secret inputs into validated specs. Pure: no I/O, no logging.
 * Every error names the input and the entry number and never quotes the entry,
 * because an entry (or what looks like an id) may be a fragment of a secret.
 */


const SOURCE_FIELD = { secrets: 'value', 'secret-envs': 'variable', 'secret-files': 'path', 'secret-map': 'name' };
/** The spec of an entry: its id, and the text after `=` in the field its input names. */
function specOf(input, id, entry, text) {
    return { id, input, entry, [SOURCE_FIELD[input]]: text };
}
/**
 * A secret or ssh id. buildx takes any non-empty text (a CSV field of `--secret`), BuildKit
 * looks it up as it is: `auth_secret/AWS_KMS_TOKEN` is an id. Narrower here on purpose: an
 * id goes unquoted into buildx's `--secret id=…,src=…`, into log lines and annotations, and
 * is matched against the Dockerfile's mounts, so no blank, comma, quote, `=` or `$`. The id
 * never names a file: the vault's files are `secret-<n>` (secrets/session.ts).
 */
const SECRET_ID = /^[A-Za-z0-9_./:@+-]+$/;
const SECRET_ID_RULE = 'the id may only use letters, digits and "_", ".", "-", "/", ":", "@", "+"';
/** What buildx's `env=` reads with os.Getenv: any name without `=` (a workflow's `env:` may say `MY-TOKEN`). */
const ENV_NAME = /^[^=\0]+$/;
/** A key of the secrets context: GitHub's secret names. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Splits the `secrets` input. An entry is one line `id=value` (value taken byte-exact
 * up to the line end, a trailing CR dropped), or a double-quoted entry `"id=value"`
 * that may span lines, with `""` for a literal quote: the only way to give a value
 * with newlines, leading `"`, or trailing CR. Blank lines and `#` comment lines are skipped.
 */
function splitSecretsInput(text) {
    const entries = [];
    let i = 0;
    while (i < text.length) {
        let start = i;
        while (start < text.length && (text[start] === ' ' || text[start] === '\t'))
            start++;
        const eol = lineEnd(text, start);
        const first = text[start];
        if (first === '"') {
            const entry = entries.length + 1;
            const { value, next } = readQuoted(text, start + 1, entry);
            entries.push({ text: value, entry });
            i = next;
            continue;
        }
        const line = text.slice(start, eol).replace(/\r$/, '');
        if (line.trim() !== '' && first !== '#')
            entries.push({ text: line, entry: entries.length + 1 });
        i = eol + 1;
    }
    return entries;
}
function lineEnd(text, from) {
    const n = text.indexOf('\n', from);
    return n === -1 ? text.length : n;
}
function readQuoted(text, from, entry) {
    let value = '';
    let i = from;
    for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1)
            throw new errors/* InputError */.dz('secrets', 'quoted entry has no closing double quote', entry);
        value += text.slice(i, q);
        if (text[q + 1] === '"') {
            value += '"';
            i = q + 2;
            continue;
        }
        const eol = lineEnd(text, q + 1);
        if (text.slice(q + 1, eol).trim() !== '') {
            throw new errors/* InputError */.dz('secrets', 'text after the closing double quote (write "" for a literal quote)', entry);
        }
        return { value, next: eol + 1 };
    }
}
/** An entry's id and the text after `=`, validated as the input wants. */
function splitIdRef(input, raw, trimRef) {
    const eq = raw.text.indexOf('=');
    if (eq === -1) {
        const hint = input === 'secrets' ? ' (a value with newlines must be a quoted entry, or come from secret-envs)' : '';
        throw new errors/* InputError */.dz(input, `expected id=${refName(input)}${hint}`, raw.entry);
    }
    const id = raw.text.slice(0, eq).trim();
    const ref = trimRef ? raw.text.slice(eq + 1).trim() : raw.text.slice(eq + 1);
    if (!SECRET_ID.test(id))
        throw new errors/* InputError */.dz(input, SECRET_ID_RULE, raw.entry);
    // An empty `secrets` value is a secret that did not arrive: resolving it reports every such entry at once.
    if (ref === '' && input !== 'secrets')
        throw new errors/* InputError */.dz(input, `the ${refName(input)} is empty${emptyHint(input)}`, raw.entry);
    return { id, text: ref };
}
const REF_NAMES = { secrets: 'value', 'secret-envs': 'ENV_NAME', 'secret-files': 'path', 'secret-map': 'SECRET_NAME' };
function refName(input) {
    return REF_NAMES[input];
}
function emptyHint(input) {
    return input === 'secrets' ? ' (is the secret defined for this repository, environment and event?)' : '';
}
function parseSecrets(text) {
    return splitSecretsInput(text).map((raw) => {
        const e = splitIdRef('secrets', raw, false);
        return specOf('secrets', e.id, raw.entry, e.text);
    });
}
/**
 * build-push-action's list syntax for these inputs: quoted entries, commas separating unless
 * `ignoreComma`. A line whose first non-blank is `#` is a comment, as in `secrets`: build-push-action
 * has no comments, a `# …` line there is an entry it drops with a warning (it has no `=`).
 */
function listEntries(input, text, ignoreComma) {
    const uncommented = text
        .split('\n')
        .filter((line) => !/^\s*#/.test(line))
        .join('\n');
    return parseList(input, uncommented, { ignoreComma }).map((t, k) => ({ text: t, entry: k + 1 }));
}
/** `id=NAME` lists whose names are environment variables or keys of the secrets context. */
function parseNameList(input, text) {
    return listEntries(input, text, false).map((raw) => {
        const e = splitIdRef(input, raw, true);
        const valid = input === 'secret-envs' ? ENV_NAME : SECRET_NAME;
        if (!valid.test(e.text))
            throw new errors/* InputError */.dz(input, `not a valid ${input === 'secret-envs' ? 'environment variable' : 'secret'} name`, raw.entry);
        return specOf(input, e.id, raw.entry, e.text);
    });
}
const parseSecretEnvs = (text) => parseNameList('secret-envs', text);
/** The allowlist for secrets-json: only the secrets named here become mounts. */
const parseSecretMap = (text) => parseNameList('secret-map', text);
function parseSecretFiles(text) {
    return listEntries('secret-files', text, true).map((raw) => {
        const e = splitIdRef('secret-files', raw, true);
        if (e.text.includes('\0'))
            throw new errors/* InputError */.dz('secret-files', 'the path contains a NUL byte', raw.entry);
        return specOf('secret-files', e.id, raw.entry, e.text);
    });
}
/** Ids are one namespace across the three inputs: BuildKit mounts by id. */
function assertUniqueIds(specs) {
    const seen = new Map();
    for (const s of specs) {
        const prev = seen.get(s.id);
        if (prev)
            throw new errors/* InputError */.dz(s.input, `uses the same id as input "${prev.input}", entry ${prev.entry}`, s.entry);
        seen.set(s.id, s);
    }
}
/** The inverse of parseSecrets for one entry: always quoted, so any string round-trips. */
function formatSecretsEntry(id, value) {
    return `"${`${id}=${value}`.replaceAll('"', '""')}"`;
}

// EXTERNAL MODULE: ./src/leak-guard/preflight/rules.ts
var rules = __nccwpck_require__(1360);
;// CONCATENATED MODULE: ./src/inputs/read.ts
/**
 * The one place that reads the action's inputs, driven by the table in `table.ts`.
 * Inputs are read untrimmed and trimmed here, so the action behaves the same under
 * the runner's `@actions/core` and under clients whose `getInput` does not trim.
 */










/** Flags the action sets itself; passing them through extra-args would bypass the vault or its own outputs. */
const RESERVED_FLAGS = ['--secret', '--iidfile', '--metadata-file', '--progress', '--call', '--check'];
/** The raw text, untrimmed, with the table's default when the input is unset or blank. */
function raw(name) {
    const v = getInput(name, { trimWhitespace: false });
    const def = 'default' in INPUTS[name] ? INPUTS[name].default : undefined;
    return v.trim() === '' && def !== undefined ? def : v;
}
function read_bool(name) {
    const v = raw(name).trim().toLowerCase();
    if (v === 'true')
        return true;
    if (v === 'false' || v === '')
        return false;
    throw new errors/* InputError */.dz(name, 'expected true or false');
}
function enumValue(name, values) {
    const v = raw(name).trim();
    if (values.includes(v))
        return v;
    throw new errors/* InputError */.dz(name, `expected ${values.join(', ').replace(/, (\w+)$/, ' or $1')}`);
}
function lines(name) {
    // One argument a line, verbatim: no shell-style splitting to get wrong.
    return raw(name)
        .split(/\r?\n/)
        .map((a) => a.trim())
        .filter((a) => a !== '');
}
function buildValue(name) {
    const kind = INPUTS[name].kind;
    if (kind.type === 'bool')
        return read_bool(name);
    if (kind.type === 'lines')
        return lines(name);
    if (kind.type === 'list') {
        return parseList(name, raw(name), { ignoreComma: 'ignoreComma' in kind, quote: 'quote' in kind ? kind.quote : undefined });
    }
    return raw(name).trim();
}
/** The build inputs, without the tokens of Git context URLs (readInputs keeps those as secrets). */
function readBuildInputs() {
    return readBuild().build;
}
function readBuild() {
    const b = Object.fromEntries(BUILD_INPUT_NAMES.map((n) => [n, buildValue(n)]));
    if (b.call)
        parseCall(b.call);
    const resolved = takeUrlTokens(withDefaultContext(b));
    resolved.build['extra-args'].forEach((a, k) => {
        if (RESERVED_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))) {
            throw new errors/* InputError */.dz('extra-args', 'this flag is set by the action; give secrets through secrets, secret-envs or secret-files', k + 1);
        }
    });
    return resolved;
}
/** Tokens in the URLs of `context` and `build-contexts` out of them; one token a host (BuildKit has one secret a host). */
function takeUrlTokens(b) {
    const context = takeUrlToken(b.context, 'context', 1);
    const contexts = b['build-contexts'].map((c, k) => takeUrlToken(c, 'build-contexts', k + 1));
    const urlTokens = [context, ...contexts].flatMap((t) => (t.token ? [t.token] : []));
    for (const t of urlTokens) {
        const where = t.input === 'context' ? undefined : t.entry;
        if (t.value.length < values/* MIN_SECRET_BYTES */.SI)
            throw new errors/* InputError */.dz(t.input, `the token in the URL is too short to mask (under ${values/* MIN_SECRET_BYTES */.SI} bytes)`, where);
        const other = urlTokens.find((o) => o.id === t.id && o.value !== t.value);
        if (other)
            throw new errors/* InputError */.dz(t.input, `the URL's token differs from the one in input "${other.input}" for the same host: BuildKit takes one a host`, where);
    }
    return { build: { ...b, context: context.text, 'build-contexts': contexts.map((c) => c.text) }, urlTokens: dedupeById(urlTokens) };
}
const dedupeById = (tokens) => tokens.filter((t, k) => tokens.findIndex((o) => o.id === t.id) === k);
/** A URL's token is the GIT_AUTH_TOKEN.<host> secret: a secret input giving that id as well is one too many. */
function assertUrlTokensUnique(tokens, specs) {
    for (const t of tokens) {
        const spec = specs.find((s) => s.id === t.id);
        if (spec)
            throw new errors/* InputError */.dz(t.input, `the URL holds a token, and input "${spec.input}", entry ${spec.entry} gives secret "${t.id}" as well: give it once`, t.input === 'context' ? undefined : t.entry);
    }
}
/**
 * What build-push-action would attest when the provenance input is empty: none with an
 * attestation of type provenance in `attests`, else defaultProvenance. The pipeline adds it
 * once it knows the builder takes it (build-push-action's builder test).
 */
function provenanceDefault(b) {
    if (b.provenance !== '' || b.attests.some((a) => /(^|,)\s*type\s*=\s*provenance\s*(,|$)/i.test(a)))
        return '';
    return defaultProvenance(process.env, b.load || b.outputs.some((o) => /(^|,)\s*"?type=docker"?\s*(,|$)/i.test(o)));
}
/** An empty context is the Git context build-push-action uses; `{{defaultContext}}` stands for it anywhere. */
function withDefaultContext(b) {
    const uses = b.context === '' || b.context.includes(DEFAULT_CONTEXT) || b['build-contexts'].some((c) => c.includes(DEFAULT_CONTEXT));
    if (!uses)
        return b;
    const git = defaultGitContext(process.env);
    if (!git)
        throw new errors/* InputError */.dz('context', 'is empty, and there is no repository to build as a Git context (GITHUB_SERVER_URL, GITHUB_REPOSITORY): set context, e.g. "."');
    return {
        ...b,
        context: b.context === '' ? git : b.context.replaceAll(DEFAULT_CONTEXT, git),
        'build-contexts': b['build-contexts'].map((c) => c.replaceAll(DEFAULT_CONTEXT, git))
    };
}
function readSecretSpecs() {
    // `secrets` is read untrimmed: values are byte-exact.
    const specs = [
        ...parseSecrets(raw('secrets')),
        ...parseSecretEnvs(raw('secret-envs')),
        ...parseSecretFiles(raw('secret-files')),
        ...parseSecretMap(raw('secret-map'))
    ];
    if (raw('secrets-json').trim() && !specs.some((s) => s.input === 'secret-map')) {
        throw new errors/* InputError */.dz('secret-map', 'is required with secrets-json: name the secrets to mount, as id=SECRET_NAME');
    }
    assertUniqueIds(specs);
    return specs;
}
function tmpfsDir() {
    const dir = raw('tmpfs-dir').trim();
    // The path ends up inside buildx's comma-separated --secret value.
    if (/[,"'\n]/.test(dir))
        throw new errors/* InputError */.dz('tmpfs-dir', 'the path may not contain commas, quotes or newlines');
    return dir;
}
/** `ssh-secrets`: `sshid=secretid` entries; each secret id must be one of the secrets given. */
function readSshSecrets(specs) {
    return parseList('ssh-secrets', raw('ssh-secrets')).map((e, k) => {
        const eq = e.indexOf('=');
        const ssh = e.slice(0, eq).trim();
        const secret = e.slice(eq + 1).trim();
        if (eq <= 0 || !SECRET_ID.test(ssh) || !SECRET_ID.test(secret))
            throw new errors/* InputError */.dz('ssh-secrets', 'expected sshid=secretid (e.g. default=deploy_key)', k + 1);
        if (!specs.some((s) => s.id === secret))
            throw new errors/* InputError */.dz('ssh-secrets', 'names a secret id that no secret input gives', k + 1);
        return { ssh, secret };
    });
}
/** `preflight-ignore`: rule ids, each one the preflight has (a typo would silence nothing). */
function readRuleIds() {
    // parseList trims each entry.
    return parseList('preflight-ignore', raw('preflight-ignore')).map((id, k) => {
        if ((0,rules/* isRuleId */.KX)(id))
            return id;
        throw new errors/* InputError */.dz('preflight-ignore', `"${id}" is not a preflight rule (the rules: ${rules/* RULE_IDS */.Iu.join(', ')}; see docs/rules/)`, k + 1);
    });
}
function readInputs() {
    const secrets = readSecretSpecs();
    const { build, urlTokens } = readBuild();
    assertUrlTokensUnique(urlTokens, secrets);
    return {
        secrets,
        sshSecrets: readSshSecrets(secrets),
        build,
        urlTokens,
        provenanceDefault: provenanceDefault(build),
        tmpfsDir: tmpfsDir(),
        allowDiskFallback: read_bool('allow-disk-fallback'),
        leakCheck: enumValue('leak-check', INPUTS['leak-check'].kind.values),
        allowMissingOptionalSecrets: read_bool('allow-missing-optional-secrets'),
        preflightIgnore: readRuleIds(),
        githubToken: /^\$\{\{.*\}\}$/.test(raw('github-token').trim()) ? '' : raw('github-token').trim(),
        onMissingSecrets: enumValue('on-missing-secrets', INPUTS['on-missing-secrets'].kind.values)
    };
}
/**
 * `secrets-json` (`${{ toJSON(secrets) }}`), taken out of the environment: the caller reads
 * the names in secret-map from it and drops it, so the action holds no copy of the whole
 * secrets context after that. Not part of Inputs for that reason.
 */
function takeSecretsJson() {
    const json = raw('secrets-json');
    delete process.env['INPUT_SECRETS-JSON'];
    return json;
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: ./src/docker/diagnose.ts
const BUILDX_MISSING = /unknown flag: --(secret|iidfile|metadata-file|bootstrap|progress)|unknown command: docker buildx|'buildx' is not a docker command|unknown command "buildx"/;
const HINTS = [
    [
        /secret ([^\s:]+):? not found/,
        (m, c) => `a RUN --mount=type=secret needs secret "${m[1]}", which the action was not given (ids given: ${c.ids.join(', ') || 'none'}); add it to secrets, secret-envs or secret-files, or fix the id in the Dockerfile`
    ],
    [BUILDX_MISSING, () => 'the docker buildx plugin is missing (or older than 0.6): add docker/setup-buildx-action before this step, or install docker-buildx'],
    [
        /Cannot connect to the Docker daemon|error during connect|dial unix [^ ]+: connect:/i,
        () => 'the Docker daemon is not reachable: check that dockerd runs and DOCKER_HOST points at it, or set builder to a reachable builder'
    ],
    [
        /use `docker --context=(\S+) buildx` to switch to context/,
        (m) => `builder "${m[1]}" is the docker driver of Docker context "${m[1]}": set DOCKER_CONTEXT: ${m[1]} in the step's env, or use a builder of another driver`
    ],
    [
        /no builder .* found|failed to find builder/i,
        () => 'the builder named in "builder" does not exist: create it first (docker/setup-buildx-action) or leave builder empty'
    ],
    [
        /401 Unauthorized|unauthorized|authentication required|no basic auth credentials|insufficient_scope|denied: /i,
        () => 'the registry refused the push: log in before this step (docker/login-action), and for ghcr.io grant the job permissions: packages: write'
    ],
    [
        /failed to read dockerfile|Dockerfile: no such file or directory/i,
        () => 'no Dockerfile there: check the file and context inputs (file defaults to <context>/Dockerfile)'
    ],
    [
        /docker exporter does not currently support exporting manifest lists|Multi-platform build is not supported for the docker driver/,
        () => 'a multi-platform image cannot be loaded into the classic image store: turn on the containerd image store, use a builder of another driver (docker/setup-buildx-action), or build one platform'
    ],
    [
        /oci for multi-node builds currently not supported/,
        () => 'this builder builds the platforms on different nodes, and buildx cannot export their result as the one OCI image the leak guard scans before publishing: build each platform in a job of its own (push-by-digest, then docker buildx imagetools create), use a single-node builder (QEMU), or set leak-check: off'
    ],
    [/dockerfile parse error/i, () => 'the Dockerfile does not parse: fix the instruction on that line'],
    [
        /failed to calculate checksum of ref .*not found|failed to compute cache key.*not found/,
        () => 'a COPY or ADD source is not in the build context: check context and .dockerignore'
    ],
    [/did not complete successfully: exit code/, () => 'a RUN step failed: its output is in the build log above']
];
/**
 * buildx's last `ERROR:` line without the wrappers every failure repeats; for skopeo its
 * fatal `msg="…"`; after a build, the last line (docker push and docker load print their
 * error alone).
 */
function cause(text, phase) {
    const errors = [...text.matchAll(/^ERROR: (.+)$/gm)].map((m) => m[1].trim());
    const skopeo = [...text.matchAll(/level=(?:fatal|error) msg="((?:[^"\\]|\\.)*)"/g)].pop()?.[1].replace(/\\"/g, '"');
    const last = errors.pop() ??
        [...text.matchAll(/^(unknown flag: .+|docker: .+)$/gm)].pop()?.[1] ??
        skopeo ??
        (phase === 'publish' ? lastLine(text, '') || undefined : undefined);
    return last?.replace(/^(failed to build: )?(failed to solve: )?/, '');
}
/** `Dockerfile:3` above BuildKit's source excerpt, or the line of a parse error. */
function diagnose_location(text) {
    const excerpt = [...text.matchAll(/^\S+:(\d+)\n-{20}$/gm)].pop();
    const parse = /dockerfile parse error on line (\d+)/.exec(text);
    const line = excerpt?.[1] ?? parse?.[1];
    return line ? Number(line) : undefined;
}
function diagnoseBuildFailure(r, c) {
    const t = r.stderrTail;
    const found = cause(t, c.phase);
    const command = c.command ?? 'docker buildx build';
    const hint = HINTS.map(([re, f]) => [re.exec(t), f]).find(([m]) => m);
    // A signal is the cause whatever the child printed as it went down.
    const head = r.signal ? `${command} was killed by ${r.signal}${found ? ` (${found})` : ''}` : (found ?? `${command} exited with code ${r.code}`);
    const message = hint ? `${head}\n${hint[1](hint[0], c)}` : `${head}\nsee the ${c.phase === 'publish' ? 'log' : 'build log'} above`;
    return { message: c.phase === 'publish' ? `publishing failed: ${message}` : message, line: diagnose_location(t) };
}
/** The last line of a command's output that says something: what a short call's failure is reported with. */
function lastLine(text, none = 'no message') {
    return (text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .pop() ?? none);
}
/** A failed `docker buildx inspect` that means buildx itself is missing. */
function buildxMissing(text) {
    return BUILDX_MISSING.test(text);
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
;// CONCATENATED MODULE: external "node:stream/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
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
    return env.DOCKER_CONFIG || external_node_path_.join(external_node_os_namespaceObject.homedir(), '.docker');
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
        const child = (0,external_node_child_process_namespaceObject.spawn)(cmd.file, cmd.args, { env, stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
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
    return (0,promises_namespaceObject.finished)(scrubbed);
}
/** Passes on whole lines only; a partial line goes on at the end, or after a pause (a stalled build's prompt). */
function wholeLines() {
    let rest = Buffer.alloc(0);
    let timer;
    const t = new external_node_stream_.Transform({
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
    return new external_node_stream_.Transform({
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
    const child = (0,external_node_child_process_namespaceObject.spawn)('docker', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
async function process_capture(args, log, program = 'docker') {
    const env = prepare(args, log);
    const cmd = commandOf(program, args);
    const child = (0,external_node_child_process_namespaceObject.spawn)(cmd.file, cmd.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    const { code, signal } = await exitOf(child, program);
    const text = (bs) => log.scrub(Buffer.concat(bs).toString('utf8'));
    // Killed by a signal: the shell's exit code for it.
    return { code: code ?? 128 + (signal ? external_node_os_namespaceObject.constants.signals[signal] : 0), stdout: text(out), stderr: text(err) };
}
/**
 * Removes an image at once and waits for it: for a signal handler, which cannot wait for a
 * promise, and the post step. Bounded: a daemon that does not answer is given 10 s. Whether
 * the image is gone (removed, or there was none by that id); a daemon that failed or did not
 * answer leaves it, and the caller keeps it for the post step.
 */
function process_removeImageNow(id, log) {
    const args = ['image', 'rm', '--force', id];
    const r = (0,external_node_child_process_namespaceObject.spawnSync)('docker', args, { env: prepare(args, log), stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000, encoding: 'utf8' });
    return r.status === 0 || /no such image/i.test(r.stderr ?? '');
}

;// CONCATENATED MODULE: ./src/leak-guard/image-index.ts
const ATTESTATION = 'attestation-manifest';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a type guard over parsed JSON of unknown shape
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const blobName = (digest) => `blobs/${digest.replace(':', '/')}`;
function json(docs, name) {
    const b = docs.get(name);
    if (!b)
        return undefined;
    try {
        return JSON.parse(b.toString('utf8'));
    }
    catch {
        return undefined;
    }
}
function scannedImages(docs) {
    const out = new Map();
    eachImage(docs, (digest, _manifest, configDigest) => {
        const config = json(docs, blobName(configDigest));
        out.set(digest, { manifest: digest, config: configDigest, diffIds: config?.rootfs?.diff_ids ?? [], configDoc: config });
    });
    return out.size ? [...out.values()] : legacyImages(docs);
}
/**
 * Each image manifest under index.json, with its digest ('' for a manifest at the top):
 * indexes are followed, attestation manifests skipped (they describe an image, they are not one).
 */
function eachImage(docs, fn) {
    const visit = (name, digest, depth) => {
        const doc = json(docs, name);
        // Any JSON may sit at the top of a tar output (a web app's manifest.json): only the shapes of an image count.
        if (!isObject(doc) || depth > 4)
            return;
        for (const d of Array.isArray(doc.manifests) ? doc.manifests : []) {
            if (isObject(d) && typeof d.digest === 'string' && d.annotations?.['vnd.docker.reference.type'] !== ATTESTATION)
                visit(blobName(d.digest), d.digest, depth + 1);
        }
        if (isObject(doc.config) && typeof doc.config.digest === 'string')
            fn(digest, doc, doc.config.digest);
    };
    visit('index.json', '', 0);
}
/** `docker save` before Docker 25: manifest.json names each image's config file, `<hex>.json` or a blob. */
function legacyImages(docs) {
    const list = json(docs, 'manifest.json');
    return (Array.isArray(list) ? list : []).flatMap((m) => {
        if (!isObject(m) || typeof m.Config !== 'string')
            return [];
        const hex = /([0-9a-f]{64})(\.json)?$/.exec(m.Config)?.[1];
        if (!hex)
            return [];
        const config = json(docs, m.Config);
        return [{ manifest: '', config: `sha256:${hex}`, diffIds: config?.rootfs?.diff_ids ?? [] }];
    });
}
const platformText = (p) => (p?.os && p.architecture ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : undefined);
/**
 * Which platform each blob of a multi-platform archive belongs to (`blobs/sha256/…` →
 * `linux/arm64`), so a finding names it; an attestation's blobs are named for the
 * platform they describe. Blobs shared by platforms are named for all of them. Pure.
 */
function blobPlatforms(docs) {
    const out = new Map();
    const add = (digest, label) => {
        if (typeof digest !== 'string')
            return;
        const name = blobName(digest);
        out.set(name, (out.get(name) ?? new Set()).add(label));
    };
    const visit = (name, depth) => {
        const doc = json(docs, name);
        if (!isObject(doc) || depth > 4)
            return;
        const entries = (Array.isArray(doc.manifests) ? doc.manifests : []).filter((d) => isObject(d) && typeof d.digest === 'string');
        const byDigest = new Map(entries.map((d) => [d.digest, platformText(d.platform)]));
        for (const d of entries) {
            const described = d.annotations?.['vnd.docker.reference.type'] === ATTESTATION ? byDigest.get(d.annotations['vnd.docker.reference.digest']) : undefined;
            const label = described ? `attestation of ${described}` : byDigest.get(d.digest);
            if (!label) {
                visit(blobName(d.digest), depth + 1);
                continue;
            }
            add(d.digest, label);
            const manifest = json(docs, blobName(d.digest));
            if (!isObject(manifest))
                continue;
            add(manifest.config?.digest, label);
            for (const l of Array.isArray(manifest.layers) ? manifest.layers : [])
                if (isObject(l))
                    add(l.digest, label);
        }
    };
    visit('index.json', 0);
    return new Map([...out].map(([k, v]) => [k, [...v].join(', ')]));
}
/** Longest step text kept: a RUN line can be a whole script. */
const STEP_CHARS = 200;
/**
 * The build step that made each layer blob (`blobs/sha256/…` → `RUN /bin/sh -c make # buildkit`):
 * a manifest's n-th layer is its config's n-th history entry that is not `empty_layer`, whose
 * `created_by` is the Dockerfile instruction as BuildKit recorded it. Pure.
 */
function blobSteps(docs) {
    const out = new Map();
    eachImage(docs, (_digest, manifest, configDigest) => {
        if (!Array.isArray(manifest.layers))
            return;
        const steps = layerSteps(json(docs, blobName(configDigest)));
        manifest.layers.forEach((l, k) => {
            if (isObject(l) && typeof l.digest === 'string' && steps[k] !== undefined)
                out.set(blobName(l.digest), steps[k]);
        });
    });
    return out;
}
/** The `created_by` of each history entry that made a layer, in order. */
function layerSteps(config) {
    const history = isObject(config) && Array.isArray(config.history) ? config.history : [];
    return history
        .filter((h) => isObject(h) && h.empty_layer !== true)
        .map((h) => {
        const by = h.created_by;
        return typeof by === 'string' ? oneLine(by) : undefined;
    });
}
const oneLine = (t) => {
    const s = t.replace(/\s+/g, ' ').trim();
    return s.length > STEP_CHARS ? `${s.slice(0, STEP_CHARS - 1)}…` : s;
};

// EXTERNAL MODULE: ./src/leak-guard/preflight/credential-files.ts
var credential_files = __nccwpck_require__(5060);
;// CONCATENATED MODULE: ./src/leak-guard/guard.ts
/**
 * The leak guard: the Dockerfile preflight before the build and the scan of what the
 * build produced after it, reported as annotations, with `leak-check` deciding
 * whether findings fail the step. It fails closed: what it could not read counts
 * as a finding under `leak-check: error`.
 */







const PREFLIGHT = 'Dockerfile preflight';
/** The preflight's result when it does not run. */
function preflightSkipped(summary, why) {
    return { errors: 0, summary, cacheMounts: [], findings: [], skipped: [{ what: PREFLIGHT, why }] };
}
/** The Dockerfile path buildx will use: `file`, else Dockerfile in a local context. */
function dockerfilePath(context, file) {
    if (file)
        return external_node_path_.resolve(file);
    if (isRemoteContext(context))
        return undefined;
    // Concatenated, not path.resolve(context, 'Dockerfile'): ncc would take that for an asset of the bundle.
    return `${external_node_path_.resolve(context)}${external_node_path_.sep}Dockerfile`;
}
/** Annotations name files relative to the workspace, as the runner shows them. */
function annotationPath(file) {
    return external_node_path_.relative(process.env.GITHUB_WORKSPACE || process.cwd(), file);
}
async function runPreflight(g, log) {
    if (g.mode === 'off')
        return preflightSkipped('off', 'leak-check: off');
    if (!external_node_fs_.existsSync(g.dockerfile))
        return preflightSkipped('preflight skipped: Dockerfile not on the runner', 'the Dockerfile is not on the runner (BuildKit reads it from the context)');
    const [{ preflight, plausiblySecret }, { readDockerignore }] = await Promise.all([Promise.all(/* import() */[__nccwpck_require__.e(839), __nccwpck_require__.e(549)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1549)), __nccwpck_require__.e(/* import() */ 749).then(__nccwpck_require__.bind(__nccwpck_require__, 749))]);
    const ignored = readDockerignore(g.context, g.dockerfile);
    const contextDir = external_node_path_.resolve(g.context);
    const inContext = g.secretFiles
        .map((f) => ({ id: f.id, relPath: external_node_path_.relative(contextDir, external_node_path_.resolve(f.path)) }))
        .filter((f) => !f.relPath.startsWith('..') && !external_node_path_.isAbsolute(f.relPath))
        .map((f) => ({ ...f, ignored: ignored(f.relPath) }));
    const findings = preflight({
        dockerfile: external_node_fs_.readFileSync(g.dockerfile, 'utf8'),
        providedIds: g.providedIds,
        providedSshIds: g.providedSshIds,
        contextSecretFiles: inContext,
        allowMissingOptional: g.allowMissingOptional,
        redactor: log.redactor,
        plausibleSecretIds: g.secrets.filter((s) => plausiblySecret(s.value)).map((s) => s.id),
        contextCredentialFiles: isRemoteContext(g.context) ? undefined : credentialFilesIn(contextDir, ignored, log.redactor),
        buildArgs: buildArgMap(g.buildArgs),
        target: g.target || undefined,
        ignoreRules: g.ignoreRules
    });
    const file = annotationPath(g.dockerfile);
    const active = findings.filter((f) => !f.ignored);
    active.forEach((f) => annotate(log, g.mode, f, file));
    const silenced = findings.filter((f) => f.ignored);
    for (const f of silenced)
        log.info(`leak guard: ignored (${f.rule}, by ${f.ignored === 'comment' ? 'a comment' : 'preflight-ignore'}): line ${f.line ?? '-'}: ${f.message}`);
    const errors = active.filter((f) => f.severity === 'error').length;
    const notices = active.some((f) => f.severity === 'notice') ? `, ${count(active, 'notice')}` : '';
    const quiet = silenced.length ? `, ${silenced.length} ignored (${[...new Set(silenced.map((f) => f.rule))].join(', ')})` : '';
    return {
        errors: g.mode === 'error' ? errors : 0,
        summary: `preflight: ${count(active, 'error')}, ${count(active, 'warning')}${notices}${quiet}`,
        cacheMounts: active.filter((f) => f.cacheMount),
        findings: findings.map((f) => preflightRow(g.mode, f, file)),
        skipped: []
    };
}
/** A finding as the summary lists it: at the level it was annotated with. */
function preflightRow(mode, f, file) {
    return { severity: levelOf(mode, f), rule: f.rule, file, line: f.line, message: f.message, ...(f.ignored ? { ignored: f.ignored } : {}) };
}
/**
 * A secret on a cache mount stays in the builder for every later build that mounts that
 * cache: on the job's own builder a warning, on one other jobs share (a remote or kubernetes
 * builder, or a self-hosted runner's daemon, which outlives the job) an error under
 * leak-check: error, before anything is built. How many there were.
 */
function cacheMountsOnSharedBuilder(mode, findings, shared, log, file) {
    if (!shared || !findings.length || mode === 'off')
        return { errors: 0, rows: [] };
    const raised = findings.map((f) => ({
        ...f,
        severity: 'error',
        message: `${f.message}; this builder is shared (${shared}): every job that builds on it can read that cache`
    }));
    for (const f of raised)
        annotate(log, mode, f, file);
    return { errors: mode === 'error' ? findings.length : 0, rows: raised.map((f) => preflightRow(mode, f, file)) };
}
/** `NAME=value` entries; `NAME` alone is the runner's variable (buildx reads it so), unknown when unset. */
function buildArgMap(entries) {
    const map = {};
    for (const e of entries) {
        const eq = e.indexOf('=');
        const name = eq === -1 ? e.trim() : e.slice(0, eq).trim();
        const value = eq === -1 ? process.env[name] : e.slice(eq + 1);
        if (value !== undefined)
            map[name] = value;
    }
    return map;
}
/** Entries looked at in the context before giving up (a huge context is not walked whole). */
const CONTEXT_WALK_LIMIT = 20000;
/** Config files larger than this are not read for literal credentials (counted as holding one). */
const CONFIG_READ_LIMIT = 256 * 1024;
/**
 * Credential-named files in the build context, with whether .dockerignore excludes them and
 * whether they hold a credential themselves: a given secret's value, or a literal after a
 * credential key (`_authToken=abc…`, `<password>abc…</password>`) rather than `${VAR}`.
 */
function credentialFilesIn(contextDir, ignored, redactor) {
    const found = [];
    const queue = [''];
    let seen = 0;
    while (queue.length && seen < CONTEXT_WALK_LIMIT) {
        const dir = queue.shift();
        let entries;
        try {
            entries = external_node_fs_.readdirSync(external_node_path_.join(contextDir, dir), { withFileTypes: true });
        }
        catch {
            continue;
        }
        for (const e of entries) {
            seen++;
            const rel = dir ? `${dir}/${e.name}` : e.name;
            if (e.isDirectory()) {
                if (e.name !== '.git' && e.name !== 'node_modules' && !ignored(rel))
                    queue.push(rel);
                if ((0,credential_files/* credentialFileKind */.Wq)(rel) === 'credential')
                    found.push({ relPath: rel, ignored: ignored(rel), literal: true });
                continue;
            }
            const kind = (0,credential_files/* credentialFileKind */.Wq)(rel);
            if (kind)
                found.push({ relPath: rel, ignored: ignored(rel), literal: kind === 'credential' || holdsLiteralCredential(external_node_path_.join(contextDir, rel), redactor) });
        }
    }
    return found;
}
const LITERAL_CREDENTIAL = /(_authToken|_auth|_password|npmAuthToken|password|passwd|token|ClearTextPassword)["']?\s*(=|:|value=|>)\s*["']?(?![$%{]|\s|["'<])/i;
function holdsLiteralCredential(file, redactor) {
    try {
        if (external_node_fs_.statSync(file).size > CONFIG_READ_LIMIT)
            return true;
        const text = external_node_fs_.readFileSync(file);
        return redactor.secretsIn(text).length > 0 || LITERAL_CREDENTIAL.test(text.toString('utf8'));
    }
    catch {
        return false;
    }
}
/** A finding as an annotation; its title names the rule (docs/rules/<rule>.md), or the scan. */
function annotate(log, mode, f, file) {
    const props = { file, startLine: f.line, title: `secret-build leak guard (${f.rule ?? 'image scan'})` };
    log[levelOf(mode, f)](`leak guard: ${f.message}`, props);
}
/** Errors fail the step only under leak-check: error; under warn every error is a warning. Notices stay notices. */
function levelOf(mode, f) {
    return f.severity === 'error' && mode !== 'error' ? 'warning' : f.severity;
}
function count(findings, severity) {
    return plural(findings.filter((f) => f.severity === severity).length, severity);
}
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** How long `docker save` may send nothing before the scan gives up (a stalled daemon must not hang the step). */
function stallMs() {
    const s = Number(process.env.SECRET_BUILD_SCAN_STALL_SECONDS);
    return (Number.isFinite(s) && s > 0 ? s : 120) * 1000;
}
async function scanTarget(scanner, t, log) {
    if (t.kind === 'dir')
        return scanner.scanDir(t.path, t.label, !!t.layout);
    if (t.kind === 'tar')
        return scanner.scanTar(external_node_fs_.createReadStream(t.path));
    const save = streamStdout(['save', t.ref], log);
    const stall = watchdog(stallMs(), () => save.kill());
    save.stdout.on('data', stall.poke);
    // Either side failing stops the other: a reader error kills docker, a docker error fails the read.
    const read = scanner.scanTar(save.stdout).catch((e) => {
        save.kill();
        throw e;
    });
    try {
        const [exit] = await Promise.all([save.done, read]);
        if (exit.code !== 0)
            throw new Error(`docker save exited with ${exit.code ?? exit.signal}: ${lastLine(exit.stderr)}`);
    }
    catch (e) {
        // Killed for stalling: that, not the truncated read it caused, is the cause.
        throw stall.fired ? new Error(`docker save sent nothing for ${stallMs() / 1000} s`) : e;
    }
    finally {
        stall.stop();
    }
}
function watchdog(ms, onFire) {
    const w = { fired: false, poke: () => timer.refresh(), stop: () => clearTimeout(timer) };
    const timer = setTimeout(() => {
        w.fired = true;
        onFire();
    }, ms);
    return w;
}
/**
 * Loads the scanner's chunk (the tar reader and the scan) ahead of the scan: called as the
 * build starts, it compiles while buildx runs instead of after (~40 ms here). A failure
 * is left for the scan's own import to report.
 */
function preloadScanner() {
    Promise.all(/* import() */[__nccwpck_require__.e(118), __nccwpck_require__.e(678)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6678)).catch(() => undefined);
}
/** Scans every target and the build metadata; a target that cannot be read is reported, and fails the step under error. */
async function runScan(mode, targets, metadata, log) {
    const { ImageScanner } = await Promise.all(/* import() */[__nccwpck_require__.e(118), __nccwpck_require__.e(678)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6678));
    const scanner = new ImageScanner(log.redactor);
    const scanned = [];
    const unreadable = [];
    const images = [];
    for (const t of targets) {
        try {
            await scanTarget(scanner, t, log);
            scanned.push(t.label);
            images.push(...scannedImages(scanner.documents));
            const platforms = blobPlatforms(scanner.documents);
            const steps = blobSteps(scanner.documents);
            for (const f of scanner.findings) {
                f.platform ??= platforms.get(f.layer);
                f.step ??= steps.get(f.layer);
            }
        }
        catch (e) {
            unreadable.push(`${t.label} (${e.message})`);
        }
        scanner.documents.clear();
    }
    metadata.forEach((m) => scanner.scanText(m, '(build metadata)', 'metadata.json'));
    const findings = scanner.findings;
    for (const f of findings)
        annotate(log, mode, {
            severity: 'error',
            message: `secret "${f.id}" found in the built image: ${f.layer}, ${f.path}${f.platform ? ` (platform ${f.platform})` : ''}`
        });
    for (const u of unreadable)
        annotate(log, mode, { severity: 'error', message: `could not scan ${u}; set leak-check: warn to accept an unscanned result` });
    const mb = (scanner.stats.bytes / 1e6).toFixed(1);
    const what = scanned.length ? `scanned ${scanned.join(', ')} (${scanner.stats.files} files, ${mb} MB)` : 'nothing scanned';
    const where = [...new Set(findings.flatMap((f) => (f.platform ? [f.platform] : [])))];
    const summary = `image scan: ${findings.length} finding${findings.length === 1 ? '' : 's'}${where.length ? ` (in ${where.join('; ')})` : ''}; ${what}${unreadable.length ? `; could not scan: ${unreadable.join('; ')}` : ''}`;
    log.info(`secret-build ${summary}`);
    const problems = [
        plural(findings.length, 'secret finding'),
        plural(unreadable.length, 'result that could not be scanned', 'results that could not be scanned')
    ].filter((p) => !p.startsWith('0 '));
    return { errors: mode === 'error' ? findings.length + unreadable.length : 0, problems: problems.join(' and '), unreadable, summary, images, findings };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: ./src/detection/redactor.ts + 3 modules
var detection_redactor = __nccwpck_require__(6827);
// EXTERNAL MODULE: ./src/detection/variants.ts
var variants = __nccwpck_require__(8621);
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
class log_Log {
    redactor;
    constructor(redactor) {
        this.redactor = redactor;
    }
    /** Registers every secret with the runner (what it cannot derive itself: runnerMasks), then returns the Log. */
    static forSecrets(secrets) {
        const redactor = detection_redactor/* Redactor */.pO.forSecrets(secrets);
        for (const text of new Set(secrets.flatMap((s) => (0,variants/* runnerMasks */.Gc)(s.value))))
            core_setSecret(text);
        return new log_Log(redactor);
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
            return info(text);
        const token = (0,external_node_crypto_.randomBytes)(16).toString('hex');
        process.stdout.write(`::stop-commands::${token}\n${text}\n::${token}::\n`);
    }
    debug(msg) {
        core_debug(this.scrub(msg));
    }
    notice(msg, props) {
        notice(this.scrub(msg), props);
    }
    warning(msg, props) {
        warning(this.scrub(msg), props);
    }
    error(msg, props) {
        error(this.scrub(msg), props);
    }
    /** Fails the step with one error annotation, on a file and line when there is one. */
    fail(msg, props) {
        if (!props)
            return setFailed(this.scrub(msg));
        error(this.scrub(msg), props);
        process.exitCode = 1;
    }
    /** A collapsible group in the log around `fn`. */
    async group(title, fn) {
        startGroup(this.scrub(title));
        try {
            return await fn();
        }
        finally {
            endGroup();
        }
    }
    setOutput(name, value) {
        setOutput(name, this.scrub(value));
    }
    saveState(name, value) {
        // Recorded first: if the state file cannot be written, main still knows what it made.
        saved.set(name, value);
        saveState(name, value);
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
        await write(summary, (t) => this.scrub(t)).write();
    }
}

;// CONCATENATED MODULE: ./src/leak-guard/exports-state.ts
/**
 * The state keys under which main records the build's exports for the post step, and the
 * names the action gives them. Imports only node:fs: the post step's entry reads it at start.
 */

/** Whether a path exists, as itself (a symlink is not followed). */
function exports_state_present(p) {
    try {
        external_node_fs_.lstatSync(p);
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
        const id = external_node_fs_.readFileSync(file, 'utf8').trim();
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

;// CONCATENATED MODULE: ./src/secrets/vault-state.ts
/** The names under which main saves its vault for the post step (GITHUB_STATE; the post step gets them as STATE_<name>). */
const VAULT_STATE_KEY = 'vault-dir';
const VAULT_MARKER_KEY = 'vault-marker';

;// CONCATENATED MODULE: ./src/post-gate.ts
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
    const vault = state(VAULT_STATE_KEY);
    // A state that cannot be read is not known to be empty.
    const paths = savedPaths(state);
    return (!!vault && exports_state_present(vault)) || !paths || paths.some(exports_state_present) || !!loadedImage(state);
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
function post_gate_closed(marks, name) {
    return `${marks} [${name.toLowerCase()}]`;
}
/**
 * Runners other than GitHub's that run JavaScript actions: they name unnamed steps by their
 * index, so names repeat across a job, and apply GITHUB_ENV under the step's context, which a
 * cancellation has already ended: the marks could go unwritten. No gate there.
 */
const OTHER_RUNNERS = ['ACT', 'GITEA_ACTIONS', 'FORGEJO_ACTIONS'];
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
        close: (state) => !start.shared && !leftBehind(state) && writeEnv(file, post_gate_closed(start.marks, name))
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
        external_node_fs_.appendFileSync(file, `${POST_GATE_VAR}<<${delimiter}\n${value}\n${delimiter}\n`);
        return true;
    }
    catch {
        // Not written: the post step runs, as without a gate.
        return false;
    }
}

;// CONCATENATED MODULE: ./src/report/summary.ts
/** `base` with more facts: their lists after its own, the vault kind once known. Pure. */
function withFacts(base, more) {
    const both = (k) => [...(base[k] ?? []), ...(more[k] ?? [])];
    return {
        ...base,
        vaultKind: more.vaultKind ?? base.vaultKind,
        checks: both('checks'),
        notScanned: both('notScanned'),
        imageFindings: both('imageFindings'),
        preflightFindings: both('preflightFindings'),
        skipped: both('skipped')
    };
}
function newReport() {
    return { result: 'failure', ids: [], tags: [], platforms: [], builder: 'default', durationMs: 0, checks: [], notScanned: [] };
}
const RESULT_TEXT = { success: '✅ built', failure: '❌ failed', skipped: '⏭️ skipped: the run has no secrets' };
const VAULT_TEXT = { tmpfs: 'tmpfs (memory)', 'disk-fallback': 'disk (RUNNER_TEMP fallback)', none: 'not created' };
function escapeHtml(t) {
    return t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
/** Characters shown as escapes (`\n`, `\x1b`, `\u2028`): a line break would end the summary's HTML block and let what follows be Markdown. */
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/** HTML's five, and what Markdown, a mention or a workflow command would read (`|`, backtick, `@`, `:`, `*`, `_`, `[`, `]`, `~`), as character references. */
const SPECIAL = /[&<>"'|`@:*_[\]~]/g;
/** The longest cell text kept, before escaping: with MAX_ROWS rows a table stays far under the 1 MiB a step summary may hold. */
const CELL_CHARS = 200;
/** Findings listed a table; the rest are counted ("and 12 more"). */
const MAX_ROWS = 50;
/**
 * Text for a table cell: scrubbed (while it is still the text the scrubber knows), cut to
 * CELL_CHARS, control characters made visible, then every character that HTML, Markdown or
 * the runner could read escaped. Pure given `scrub`.
 */
function cellText(t, scrub) {
    const clean = scrub(t);
    const cut = [...clean].length > CELL_CHARS ? `${[...clean].slice(0, CELL_CHARS - 1).join('')}…` : clean;
    const visible = cut.replace(CONTROL, (c) => {
        const n = c.charCodeAt(0);
        return c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : n > 0xff ? `\\u${n.toString(16)}` : `\\x${n.toString(16).padStart(2, '0')}`;
    });
    return visible.replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`);
}
const header = (...names) => names.map((data) => ({ data, header: true }));
/** At most MAX_ROWS rows, then one that counts the rest. */
function capped(items, row, width) {
    const rows = items.slice(0, MAX_ROWS).map(row);
    if (items.length > MAX_ROWS)
        rows.push([`… and ${items.length - MAX_ROWS} more, see the annotations`, ...Array(width - 1).fill('')]);
    return rows;
}
/** Where an image finding is: the platform's layer and path, and the step that made the layer. */
function imageCells(f, cell) {
    const where = `${cell(f.layer)}<br><code>${cell(f.path)}</code>${f.step ? `<br>step: <code>${cell(f.step)}</code>` : ''}`;
    return [`<code>${cell(f.id)}</code>`, f.platform ? cell(f.platform) : '—', where, cell(f.forms.join('; '))];
}
function preflightCells(f, cell) {
    const at = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.line ? `line ${f.line}` : '—';
    const severity = f.ignored ? `${f.severity}, ignored (${f.ignored === 'comment' ? 'by a comment' : 'preflight-ignore'})` : f.severity;
    return [cell(severity), cell(f.rule), `<code>${cell(at)}</code>`, cell(f.message)];
}
/** The tables after the overview: image findings, preflight findings, what was skipped; each only when it has rows. Pure given `scrub`. */
function findingTables(r, scrub = (t) => t) {
    const cell = (t) => cellText(t, scrub);
    const tables = [
        {
            title: 'Secrets found in what the build produced',
            head: header('Secret id', 'Platform', 'Where (layer, path, step)', 'Found as'),
            rows: capped(r.imageFindings ?? [], (f) => imageCells(f, cell), 4)
        },
        {
            title: 'Dockerfile preflight findings',
            head: header('Severity', 'Rule', 'Where', 'Finding'),
            rows: capped(r.preflightFindings ?? [], (f) => preflightCells(f, cell), 4)
        },
        { title: 'Skipped', head: header('What', 'Why'), rows: capped(r.skipped ?? [], (s) => [cell(s.what), cell(s.why)], 2) }
    ];
    return tables.filter((t) => t.rows.length).map((t) => ({ title: t.title, rows: [t.head, ...t.rows] }));
}
/**
 * The rows of the summary table. Every value is scrubbed first and escaped after: an
 * escaped secret (`&` → `&#38;`) would no longer match what the scrubber knows. Pure.
 */
function summaryRows(r, scrub = (t) => t) {
    // Line breaks as references: a blank line would end the HTML block (in <pre> they still break lines).
    const text = (t) => escapeHtml(scrub(t)).replace(/\r\n|[\r\n\u2028\u2029]/g, '&#10;');
    const code = (t) => `<code>${text(t)}</code>`;
    const list = (items, none) => (items.length ? items.map(code).join(', ') : none);
    const rows = [
        ['Result', RESULT_TEXT[r.result]],
        ['Image', list(r.tags, 'no tags')],
        ['Digest', r.digest ? code(r.digest) : '—'],
        ['Platforms', list(r.platforms, 'the builder’s default')],
        ['Builder', code(r.builder)],
        ['Secret ids mounted', list(r.ids, 'none')],
        ['Vault', VAULT_TEXT[r.vaultKind ?? 'none']],
        ['Duration', `${(r.durationMs / 1000).toFixed(1)} s`],
        ...r.checks.map((c) => [`Leak guard: ${text(c.name)}`, text(c.outcome)])
    ];
    if (!r.checks.length)
        rows.push(['Leak guard', 'not run']);
    if (r.notScanned.length)
        rows.push(['Not scanned', r.notScanned.map(text).join('<br>')]);
    if (r.error)
        rows.push([r.result === 'skipped' ? 'Why' : 'Error', `<pre>${text(r.error)}</pre>`]);
    return rows;
}
async function writeSummary(r, log) {
    await log.summary((s, scrub) => {
        s.addHeading('secret-build', 3).addTable([header('Item', 'Value'), ...summaryRows(r, scrub)]);
        for (const t of findingTables(r, scrub))
            s.addHeading(t.title, 4).addTable(t.rows);
        return s;
    });
}

;// CONCATENATED MODULE: ./src/docker/build-results.ts
/** The action's outputs, read from the files buildx wrote into the work directory. */

function readIfPresent(file) {
    try {
        return external_node_fs_.readFileSync(file, 'utf8').trim();
    }
    catch {
        return '';
    }
}
/** The metadata file's JSON object; empty when it is missing or not JSON (it is still passed on as text). */
function parseMetadata(metadata) {
    try {
        const v = JSON.parse(metadata || '{}');
        return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
    }
    catch {
        return {};
    }
}
/** BuildKit's build-check warnings (written with BUILDX_METADATA_WARNINGS=1): base64 texts, a line range. */
function buildWarnings(meta) {
    const raw = meta['buildx.build.warnings'];
    if (!Array.isArray(raw))
        return [];
    return raw.flatMap((w) => w.short ? [{ message: Buffer.from(w.short, 'base64').toString('utf8'), line: w.range?.[0]?.start?.line, url: w.url }] : []);
}
/** What `call: check` found, from the metadata file's result.json. */
function checkResults(meta) {
    const result = meta['result.json'];
    if (!result || !Array.isArray(result.warnings))
        return [];
    return result.warnings.map((w) => ({
        message: `${w.ruleName ?? 'check'}: ${w.detail ?? ''}`,
        line: w.location?.ranges?.[0]?.start?.line,
        url: w.url
    }));
}
function readBuildOutputs(files) {
    const metadata = readIfPresent(files.metadataFile);
    const digest = parseMetadata(metadata)['containerimage.digest'];
    return { imageid: readIfPresent(files.iidFile), digest: typeof digest === 'string' ? digest : '', metadata };
}

;// CONCATENATED MODULE: ./src/docker/builder.ts
/** What the builder can export to the runner, from `docker buildx inspect` (one probe, ~0.15 s). */



/**
 * The driver, and whether it can export an OCI tarball. Every driver can but the
 * docker driver on the classic image store; on the containerd store its worker
 * carries `org.mobyproject.buildkit.worker.containerd.*` labels.
 */
function parseBuilderInfo(inspect) {
    const driver = /^Driver:\s*(\S+)/m.exec(inspect)?.[1] ?? '';
    const containerd = /org\.mobyproject\.buildkit\.worker\.containerd\./.test(inspect) || /worker\.executor:\s*containerd/.test(inspect);
    return { driver, ociExport: driver !== 'docker' || containerd };
}
/**
 * build-push-action's test before it adds its default provenance (BuildKit.versionSatisfies
 * '>=0.11.0' in @docker/actions-toolkit): every node's BuildKit version is known and 0.11 or
 * newer (semver: a pre-release or `v0.0.0+unknown` is not), and on the docker driver it is
 * one Docker Engine tagged `-moby`. Engines today report the docker driver's BuildKit
 * without that suffix (`v0.18.2` on GitHub's runners), so build-push-action adds none there,
 * and an attestation on the classic image store would fail the build.
 */
function takesDefaultProvenance(inspect) {
    const { driver } = parseBuilderInfo(inspect);
    const versions = buildkitVersions(inspect);
    return versions.length > 0 && versions.every((v) => (driver !== 'docker' || v.endsWith('-moby')) && atLeast(v.replace(/-moby$/, ''), 11));
}
/** Every node's BuildKit version, as `buildx inspect` prints them (`BuildKit version:` since buildx 0.11; `BuildKit:` before). */
function buildkitVersions(inspect) {
    return [...inspect.matchAll(/^Build[Kk]it(?: version)?:\s*(\S+)/gm)].map((m) => m[1]);
}
/** Every node's BuildKit is 0.29 or newer (safeHistoryRemoval); an unknown version (`v0.0.0+unknown`) is not. */
function removesHistorySafely(inspect) {
    const versions = buildkitVersions(inspect);
    return versions.length > 0 && versions.every((v) => atLeast(v.replace(/-moby$/, ''), 29));
}
/** A 0.x version of at least 0.<minor>.0 (or any 1.x and later); a pre-release, `+unknown` build or other text is not. */
function atLeast(version, minor) {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:\+[0-9A-Za-z.-]*)?$/.exec(version);
    if (!m)
        return false;
    return Number(m[1]) > 0 || Number(m[2]) >= minor;
}
/**
 * Fails at once when buildx itself is missing; otherwise an empty driver when the builder
 * cannot be inspected: the build then reports why. `--bootstrap` starts a builder that is
 * not running yet (which the build would do anyway), so its BuildKit version is known.
 */
async function inspectBuilder(builder, log) {
    const r = await process_capture(['buildx', 'inspect', '--bootstrap', ...(builder ? [builder] : [])], log);
    if (r.code === 0)
        return { ...parseBuilderInfo(r.stdout), defaultProvenance: takesDefaultProvenance(r.stdout), safeHistoryRemoval: removesHistorySafely(r.stdout) };
    if (buildxMissing(r.stdout + r.stderr))
        throw new errors/* ActionError */.lZ(diagnoseBuildFailure({ code: r.code, signal: null, stderrTail: r.stderr }, { ids: [], phase: 'build' }).message);
    return { driver: '', ociExport: true };
}
/**
 * Why the builder outlives the job and serves others, or undefined: a remote or kubernetes
 * builder; a docker or docker-container builder on a self-hosted runner (its daemon stays
 * between jobs; RUNNER_ENVIRONMENT says which kind of runner this is).
 */
function sharedBuilder(driver, env = process.env) {
    if (driver === 'remote' || driver === 'kubernetes')
        return `the ${driver} driver`;
    if ((driver === 'docker' || driver === 'docker-container') && env.RUNNER_ENVIRONMENT === 'self-hosted')
        return `the ${driver} driver on a self-hosted runner`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/docker/history.ts

/** Records whose time overlaps ours (one still running counts as running until now). Pure. */
function overlapping(records, ref, now = Date.now()) {
    const ours = records.find((r) => r.ref === ref);
    if (!ours?.created_at)
        return [];
    const span = (r) => [Date.parse(r.created_at ?? ''), r.completed_at ? Date.parse(r.completed_at) : now];
    const [start, end] = span(ours);
    return records.filter((r) => {
        if (r.ref === ref || !r.created_at)
            return false;
        const [s, e] = span(r);
        return s < end && e > start;
    });
}
/** The names of builds that overlapped ours; empty when buildx cannot tell (no history support). */
async function concurrentBuilds(ref, builder, log) {
    if (!ref)
        return [];
    const r = await process_capture(['buildx', 'history', 'ls', '--format', 'json', ...(builder ? ['--builder', builder] : [])], log);
    return r.code === 0 ? concurrentNames(r.stdout, ref) : [];
}
/** The objects of buildx's `--format json` output, one a line; lines that are not one are skipped. Pure. */
function jsonLines(text) {
    return text
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .flatMap((l) => {
        try {
            return [JSON.parse(l)];
        }
        catch {
            return [];
        }
    });
}
/** The id part of buildx's ref of a build (builder/node/id): what history and its commands name it by. */
const recordId = (ref) => ref.split('/').pop();
/** From `buildx history ls --format json` (a record a line): the builds that overlapped ours, by name. Pure. */
function concurrentNames(historyJson, ref, now = Date.now()) {
    const others = overlapping(jsonLines(historyJson).map((x) => ({ ...x, ref: x.ref && recordId(x.ref) })), recordId(ref), now);
    // A build that has just started has an empty name: its id names it then.
    return others.map((x) => x.name || x.ref || 'a build');
}
/**
 * Removes our build's record from the builder's history (`buildx history rm`): it keeps the
 * build's raw log, which anyone who can reach the builder reads with `buildx history logs`.
 * Done when the scrubber redacted that log here, and only on a BuildKit that removes records
 * safely (builder.ts safeHistoryRemoval): on an older one, a removal that meets another
 * client's listing can take the daemon down, so the action says how to remove it instead.
 * A failure is a warning naming the record.
 */
async function removeRecord(ref, builder, safe, log) {
    const id = recordId(ref);
    const what = `the build printed a secret (redacted in this log), and its record ${id} in the builder's history keeps the raw log`;
    const by = `run "docker buildx history rm ${builder ? `--builder ${builder} ` : ''}${id}"`;
    if (!safe) {
        log.warning(`${what}: ${by} when no other build or history listing runs on the builder. The action does not: before BuildKit 0.29 a removal ` +
            "that meets another client's listing crashes the builder (on the docker driver, dockerd), and this builder's BuildKit is older or unknown");
        return;
    }
    const r = await process_capture(['buildx', 'history', 'rm', ...(builder ? ['--builder', builder] : []), id], log);
    if (r.code === 0)
        log.info(`${what}: removed`);
    else
        log.warning(`${what}, and it could not be removed: ${by} (${r.stderr.trim().split('\n').pop() ?? ''})`);
}

;// CONCATENATED MODULE: ./src/docker/build-cache.ts


/** `2026-12-06 15:19:27.677112027 +0000 UTC` (Go's time format, as du prints it) as epoch ms; NaN when it is not that. */
function goTime(text) {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)/.exec(text);
    if (!m)
        return NaN;
    return Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}${m[4]}:${m[5]}`);
}
/** The ids of the records created within [start, end] (ms), from `buildx du --format json`. Pure. */
function recordsWithin(duJson, start, end) {
    return jsonLines(duJson).flatMap((r) => {
        const created = goTime(r.CreatedAt ?? '');
        return r.ID && /^[a-z0-9]+$/.test(r.ID) && created >= start && created <= end ? [r.ID] : [];
    });
}
/** Removes the cache records our build (ref) made; says how many, or why it could not. */
async function pruneBuildRecords(ref, builder, log) {
    const on = builder ? ['--builder', builder] : [];
    const id = recordId(ref);
    const fail = (why) => log.warning(`the blocked build's records stay in the builder's cache (${why}): a later build may reuse its leaky layer; run "docker buildx prune" on the builder`);
    const record = await process_capture(['buildx', 'history', 'inspect', ...on, id, '--format', 'json'], log);
    let times = {};
    try {
        times = JSON.parse(record.stdout);
    }
    catch {
        return fail('its build record could not be read');
    }
    const [start, end] = [Date.parse(times.StartedAt ?? ''), Date.parse(times.CompletedAt ?? '')];
    if (!Number.isFinite(start) || !Number.isFinite(end))
        return fail('its build record has no times');
    const du = await process_capture(['buildx', 'du', ...on, '--format', 'json'], log);
    if (du.code !== 0)
        return fail('buildx du failed');
    // A second either side: the context's transfer may be recorded as the build starts.
    const ids = recordsWithin(du.stdout, start - 1000, end + 1000);
    if (!ids.length)
        return log.info("the blocked build left no record in the builder's cache");
    const pruned = await process_capture(['buildx', 'prune', ...on, '--force', '--all', '--filter', `id~=^(${ids.join('|')})$`], log);
    if (pruned.code !== 0)
        return fail('buildx prune failed');
    log.info(`removed the ${ids.length} record(s) the blocked build made in the builder's cache: no later build reuses them`);
}

// EXTERNAL MODULE: ./src/isolation/step-keys.ts
var step_keys = __nccwpck_require__(5009);
;// CONCATENATED MODULE: ./src/isolation/isolate.ts
/**
 * Keys the build's secret-mounting steps on the secrets' values (step-keys.ts,
 * dockerfile.ts): the user's Dockerfile, rewritten, goes to buildx from the work
 * directory under its own name, with its own `<name>.dockerignore` beside it if it has
 * one (BuildKit looks for that next to the Dockerfile, before the context's).
 */





/** Up to this many secrets, every secret's part is derived at once, before the Dockerfile is read (earlyParts). */
const EARLY_PARTS = 8;
/**
 * Every secret's part, started as soon as the secrets are known: scrypt runs on libuv's
 * threads while the main thread loads and parses (~90 ms a secret here, overlapped). With
 * many secrets only the mounted ones are derived, later. Never rejects: undefined then, and
 * isolate() derives them itself.
 */
function earlyParts(secrets, repository) {
    if (!secrets.length || secrets.length > EARLY_PARTS)
        return undefined;
    return (0,step_keys/* secretParts */.Bm)(secrets, repository).catch(() => undefined);
}
async function isolate(q) {
    if (!q.dockerfile || !external_node_fs_.existsSync(q.dockerfile))
        return { keyed: false, reason: 'the Dockerfile is not on the runner (a remote context or file: -)' };
    // A relative file of a remote context names a file in the repository: one on the runner at that path is another file.
    if (q.remoteContext && !q.fileIsAbsolute)
        return { keyed: false, reason: "a remote context's Dockerfile is read from the repository" };
    const overridden = q.extraArgs.find((a) => /^(--file|--build-arg)(=|$)/.test(a) || shortFlag(a) === 'f');
    if (overridden)
        return { keyed: false, reason: `extra-args sets ${/^--/.test(overridden) ? overridden.split('=')[0] : '-f'}, which the keys would not see` };
    const text = external_node_fs_.readFileSync(q.dockerfile, 'utf8');
    // No mount anywhere (line continuations joined, with either escape character): nothing to key, no parser to load.
    if (!/--mount/i.test(text.replace(/[\\`]\r?\n/g, '')))
        return { keyed: true, lines: [] };
    // The parser (dockerfile-ast) is a chunk of its own, shared with the preflight.
    const { keyedSteps, notRewritable, withStepKeys } = await Promise.all(/* import() */[__nccwpck_require__.e(839), __nccwpck_require__.e(460)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3460));
    const reason = notRewritable(text, q.buildArgs);
    if (reason)
        return { keyed: false, reason: `the Dockerfile cannot be keyed: ${reason}` };
    const steps = keyedSteps({ dockerfile: text, secretIds: q.secretIds, sshSecrets: q.sshSecrets, buildArgs: q.buildArgs, target: q.target });
    if (!Array.isArray(steps))
        return { keyed: false, reason: `the Dockerfile cannot be keyed: ${steps.reason}` };
    if (!steps.length)
        return { keyed: true, lines: [] };
    const used = new Set(steps.flatMap((s) => s.ids));
    const parts = async () => (await q.parts) ??
        (await (0,step_keys/* secretParts */.Bm)(q.secrets.filter((s) => used.has(s.id)), q.repository));
    const name = buildName(q.context, q.dockerfile);
    const lines = steps.map((s) => s.line);
    // What buildx and BuildKit read next to the Dockerfile: its .dockerignore, and (buildx 0.31 and later) its source policy.
    const beside = ['.dockerignore', '.rego'].filter((b) => external_node_fs_.existsSync(`${q.dockerfile}${b}`));
    // On standard input buildx names the file `Dockerfile` (the frontend's filename, which provenance records): only for that name.
    if (!beside.length && external_node_path_.basename(q.dockerfile) === 'Dockerfile' && !q.gitLabels) {
        const stdin = parts()
            .then((p) => withStepKeys(text, steps, p))
            .catch((e) => {
            throw new errors/* ActionError */.lZ(`the steps that mount secrets could not be keyed on their values (${e.message}): the build was stopped before it read its Dockerfile`);
        });
        // Awaited by the build, if one starts: a run that fails before it must not die of an unhandled rejection.
        stdin.catch(() => undefined);
        return { keyed: true, file: '-', stdin, name, lines };
    }
    const dir = external_node_path_.join(q.work, 'dockerfile');
    external_node_fs_.mkdirSync(dir, { recursive: true });
    const file = external_node_path_.join(dir, external_node_path_.basename(q.dockerfile));
    external_node_fs_.writeFileSync(file, withStepKeys(text, steps, await parts()));
    for (const b of beside)
        external_node_fs_.copyFileSync(`${q.dockerfile}${b}`, `${file}${b}`);
    return { keyed: true, file, name, lines };
}
/**
 * The name buildx gives a build of a local context (util/history/name.go BuildName, its
 * local branch): the context directory's name, or the Dockerfile's path from the context's
 * parent when the file is not <context>/Dockerfile. The keyed file lives elsewhere, so
 * buildx would name the build after it: the name is passed as BUILDKIT_BUILD_NAME, and a
 * shared builder's history still says which build is whose.
 */
function buildName(context, dockerfile) {
    const local = external_node_path_.resolve(context).split(external_node_path_.sep).join('/');
    let file = external_node_path_.resolve(dockerfile).split(external_node_path_.sep).join('/');
    const defaultName = file.endsWith('/Dockerfile');
    if (defaultName)
        file = file.slice(0, -'/Dockerfile'.length);
    if (file.startsWith(local) && file.length > local.length)
        return file.slice(local.lastIndexOf('/') + 1);
    const k = file.lastIndexOf('/');
    const base = file.slice(k + 1);
    return defaultName || k === -1 ? base : `${external_node_path_.posix.basename(file.slice(0, k))}/${base}`;
}

;// CONCATENATED MODULE: ./src/docker/reference.ts
/** Image references as Docker reads them: the registry a name is on, its repository. Pure. */
/** The registry host of a reference, as Docker reads it (`app:1` and `o/app` are on docker.io). */
function registryOf(ref) {
    const first = ref.split('/')[0];
    return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}
/** A reference without its tag or digest (`r:5000/a/b:1` is `r:5000/a/b`). */
function repository(ref) {
    return ref
        .trim()
        .replace(/@.*$/, '')
        .replace(/:[^:/]*$/, '');
}
/** A loopback registry speaks plain HTTP, as dockerd allows by default. */
const isLoopback = (registry) => /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);

;// CONCATENATED MODULE: ./src/leak-guard/plan.ts
/**
 * The leak guard's plan: one build, and publishing from what it left on the runner.
 *
 * The build that mounts the secrets is the only build. It exports to this runner only:
 * the image as an OCI tarball (or, for the docker driver on the classic image store,
 * loaded untagged), each file output beside its destination, each cache export as a
 * local cache layout. Once that is scanned, the same bytes are published: the OCI
 * export pushed to every name and loaded into the engine, the cache layouts pushed or
 * moved, file outputs renamed into place. Nothing is built or resolved a second time,
 * so what leaves the runner is what was scanned by construction. Pure: the plan is
 * data; publish.ts carries it out.
 */







/** Flags in extra-args that would publish from the build, around the leak guard. */
const PUBLISHING_FLAGS = ['--push', '--load', '-o', '--output', '-t', '--tag', '--cache-to'];
/**
 * Attributes of an image output that the publishing step reads itself, or that the export
 * sets for itself (where it goes); every other one shapes the image and goes to the OCI export.
 */
const PUBLISH_ATTRS = new Set([
    'name',
    'push',
    'push-by-digest',
    'insecure',
    'registry.insecure',
    'name-canonical',
    'store',
    'unpack',
    'dangling-name-prefix',
    'dest',
    'tar'
]);
/** Cache attributes that name where a registry cache goes: the local export that is scanned has none of them. */
const REGISTRY_CACHE_ATTRS = new Set(['ref', 'insecure', 'registry.insecure']);
/** buildx's own words, where its exporter would have said something about one the action chose. */
const CLASSIC_MULTI_PLATFORM = 'Multi-platform build is not supported for the docker driver. Switch to a different driver, or turn on the containerd image store, and try again';
function planGuard(b, mode, builder, work, suffix) {
    const outputs = checkedOutputs(b);
    if (mode !== 'off')
        refusePublishingExtraArgs(b['extra-args']);
    // `call: check` (outline, targets) evaluates the Dockerfile and builds nothing: nothing may be exported either.
    if (evaluatesOnly(b))
        return { build: { ...b, push: false, load: false, tags: [], outputs: [], 'cache-to': [] }, targets: [] };
    if (mode === 'off')
        return { build: b, targets: [] };
    const files = outputs.filter(isFileOutput);
    const moves = files.map((o, k) => ({ from: exportPath(o.attrs.get('dest'), b.context, work, suffix, `output-${k}`), to: o.attrs.get('dest') }));
    const targets = files.map((o, k) => ({ kind: isDirOutput(o) ? 'dir' : 'tar', path: moves[k].from, label: `output ${moves[k].to}` }));
    const buildOutputs = files.map((o, k) => formatOutput({ type: o.type, attrs: new Map([...o.attrs, ['dest', moves[k].from]]) }));
    const images = outputs.filter((o, k) => imageOutput(o, k));
    const publish = { pushes: imagePushes(b, images), load: loadNames(b, images, outputs.length, builder), caches: [], moves };
    // The image is exported (and scanned) whenever it is published, and when nothing else is: a build with no output.
    if (publish.pushes.length || publish.load || images.length || outputs.length === 0) {
        if (builder.ociExport) {
            const tar = external_node_path_.join(work, 'image.tar');
            buildOutputs.push(formatOutput({ type: 'oci', attrs: new Map([['dest', tar], ...imageAttrs(images)]) }));
            targets.push({ kind: 'tar', path: tar, label: 'image (OCI export)' });
            publish.image = { kind: 'oci', path: tar };
        }
        else {
            if (b.platforms.flatMap((p) => p.split(',')).filter((p) => p.trim()).length > 1)
                throw new errors/* ActionError */.lZ(CLASSIC_MULTI_PLATFORM);
            if (publish.pushes.some((p) => p.byDigest))
                throw new errors/* InputError */.dz('outputs', 'push-by-digest needs an OCI export, which the docker driver on the classic image store cannot make: use the containerd image store or another driver');
            buildOutputs.push('type=docker');
            targets.push({ kind: 'loaded-image', label: 'image (loaded untagged)' });
            publish.image = { kind: 'loaded' };
        }
    }
    const cacheTo = b['cache-to'].flatMap((spec, k) => cacheExport(spec, k, b.context, work, suffix, targets, publish));
    // Outputs given, none left to write (cacheonly): without one, the docker driver would load an image nobody asked for.
    if (!buildOutputs.length && outputs.length)
        buildOutputs.push('type=cacheonly');
    return { build: { ...b, tags: [], push: false, load: false, outputs: buildOutputs, 'cache-to': cacheTo }, targets, publish };
}
/** The outputs as buildx reads them, with what the action refuses in every mode refused, and destinations in one spelling. */
function checkedOutputs(b) {
    const outputs = b.outputs.map((o, k) => parseOutput(o, k + 1));
    outputs.forEach((o, k) => {
        if (writesToStdout(o))
            throw new errors/* InputError */.dz('outputs', 'this output goes to stdout, which would write the build result into the log: give dest= a file or directory', k + 1);
        const dest = o.attrs.get('dest');
        if (dest && /^\/(dev|proc|sys)(\/|$)/.test(external_node_path_.resolve(dest)))
            throw new errors/* InputError */.dz('outputs', 'dest= may not be a device or a pseudo filesystem: give a file or directory', k + 1);
        // One spelling of the destination for the export beside it and the move into place (`out/` is `out`).
        if (dest && isFileOutput(o))
            o.attrs.set('dest', dest.replace(/(.)\/+$/, '$1'));
    });
    return outputs;
}
/** An output that publishes the image (to a registry or the engine); `cacheonly` publishes nothing. */
function imageOutput(o, k) {
    if (isFileOutput(o) || o.type === 'cacheonly')
        return false;
    if (o.type === 'local')
        throw new errors/* InputError */.dz('outputs', 'type=local needs dest=', k + 1);
    if (!['image', 'registry', 'docker'].includes(o.type))
        throw new errors/* InputError */.dz('outputs', `unknown output type "${o.type}": expected local, tar, oci, docker, image, registry or cacheonly`, k + 1);
    return true;
}
/**
 * Where the build writes a file output or a local cache: beside its destination (renamed
 * into place later, no copy), unless that is inside the build context, where a later
 * build's context would pick it up half-written: then in the work dir.
 */
function exportPath(dest, context, work, suffix, name) {
    const rel = external_node_path_.relative(external_node_path_.resolve(context), external_node_path_.resolve(dest));
    const inContext = !isRemoteContext(context) && !rel.startsWith('..') && !external_node_path_.isAbsolute(rel);
    return inContext ? external_node_path_.join(work, name) : `${dest}.${suffix}`;
}
const splitNames = (v) => (v ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
/** The names `push: true` and each pushing output send the image to (an output without `name=` takes the tags). */
function imagePushes(b, images) {
    const pushes = b.push ? b.tags.map((name) => ({ name, byDigest: false, insecure: isLoopback(registryOf(name)) })) : [];
    images.filter(isPush).forEach((o) => {
        const names = o.attrs.has('name') ? splitNames(o.attrs.get('name')) : b.tags;
        const byDigest = goBool(o.attrs.get('push-by-digest'), false);
        const insecure = goBool(o.attrs.get('registry.insecure') ?? o.attrs.get('insecure'), false);
        for (const name of names)
            pushes.push({ name, byDigest, insecure: insecure || isLoopback(registryOf(name)) });
    });
    if ((b.push || images.some(isPush)) && !pushes.length)
        throw new errors/* InputError */.dz('tags', 'push needs at least one tag (or name= in the output) to push to');
    // One push a name: a name given twice (a tag and an output's name) is pushed once.
    return [...new Map(pushes.map((p) => [`${p.name}\0${p.byDigest}`, p])).values()];
}
/**
 * The names the image is loaded into the engine under, as buildx would: `load: true` and
 * `type=docker` (the tags, or the output's `name=`), `type=image` without a push on the
 * docker driver (it stores there), and the docker driver's default when no output is given.
 */
function loadNames(b, images, outputCount, builder) {
    const loading = images.filter((o) => o.type === 'docker' || (o.type === 'image' && !isPush(o) && builder.driver === 'docker'));
    const defaultLoad = outputCount === 0 && !b.push && builder.driver === 'docker';
    if (!b.load && !loading.length && !defaultLoad)
        return undefined;
    const names = loading.flatMap((o) => (o.attrs.has('name') ? splitNames(o.attrs.get('name')) : b.tags));
    return [...new Set([...(b.load || defaultLoad ? b.tags : []), ...names])];
}
/**
 * The attributes that shape the image (media types, compression, annotations, timestamps),
 * from every image output: the OCI export is made with them, so the bytes scanned are the
 * bytes asked for. Two outputs that ask for different bytes cannot share one export.
 */
function imageAttrs(images) {
    const attrs = new Map();
    for (const o of images) {
        for (const [k, v] of o.attrs) {
            if (PUBLISH_ATTRS.has(k))
                continue;
            const seen = attrs.get(k);
            // Names only the attribute: its value may be anything the workflow wrote.
            if (seen !== undefined && seen !== v)
                throw new errors/* InputError */.dz('outputs', `two image outputs ask for different ${k}= values: the leak guard publishes one scanned image, so give them the same`);
            attrs.set(k, v);
        }
    }
    return [...attrs];
}
/**
 * One cache-to entry: `inline` stays (it is in the scanned image config), `local` and
 * `registry` become a local cache layout under the work dir or beside the destination,
 * scanned, then moved or pushed. Other backends cannot be fed from a scanned layout
 * without a second build, which would resolve the build's inputs again: refused.
 */
function cacheExport(spec, k, context, work, suffix, targets, publish) {
    const f = spec.includes('=')
        ? parseFields('cache-to', spec, k + 1)
        : new Map([
            ['type', 'registry'],
            ['ref', spec]
        ]);
    const type = (f.get('type') ?? '').trim().toLowerCase();
    if (type === 'inline')
        return ['type=inline'];
    if (type !== 'local' && type !== 'registry')
        throw new errors/* InputError */.dz('cache-to', `type=${type || '(none)'} cannot be published from the scanned build: only a cache the leak guard has scanned leaves the runner, and this backend would need a second build that resolves the build's inputs again. Use type=registry (the scanned cache is pushed), type=local (with actions/cache) or type=inline, or set leak-check: off`, k + 1);
    const attrs = new Map([...f].filter(([key]) => key !== 'type' && !REGISTRY_CACHE_ATTRS.has(key)));
    const label = `build cache ${k + 1}`;
    if (type === 'local') {
        const dest = f.get('dest');
        if (!dest)
            throw new errors/* InputError */.dz('cache-to', 'type=local needs dest=', k + 1);
        const from = exportPath(dest.replace(/(.)\/+$/, '$1'), context, work, suffix, `cache-${k}`);
        publish.moves.push({ from, to: dest.replace(/(.)\/+$/, '$1') });
        attrs.set('dest', from);
    }
    else {
        const ref = f.get('ref');
        if (!ref)
            throw new errors/* InputError */.dz('cache-to', 'type=registry needs ref=', k + 1);
        const from = external_node_path_.join(work, `cache-${k}`);
        publish.caches.push({ from, ref, insecure: goBool(f.get('registry.insecure') ?? f.get('insecure'), false) || isLoopback(registryOf(ref)) });
        attrs.set('dest', from);
    }
    targets.push({ kind: 'dir', path: attrs.get('dest'), label, layout: true });
    return [formatOutput({ type: 'local', attrs })];
}
function refusePublishingExtraArgs(args) {
    args.forEach((a, k) => {
        if (['o', 't'].includes(shortFlag(a) ?? '') || PUBLISHING_FLAGS.some((f) => a === f || a.startsWith(`${f}=`))) {
            throw new errors/* InputError */.dz('extra-args', 'this flag publishes the build: use the push, load, tags, outputs or cache-to input, so the leak guard can scan before anything is published', k + 1);
        }
    });
}
/** `call` other than `build`: the build is evaluated (check, outline, targets), not run. The input is checked by parseCall. */
function evaluatesOnly(b) {
    return b.call !== '' && parseCall(b.call) !== 'build';
}
/** What a publication needs skopeo for: pushing an OCI export or a cache layout. */
function needsSkopeo(p) {
    return !!p && ((p.image?.kind === 'oci' && p.pushes.length > 0) || p.caches.length > 0);
}

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
        this.paths.push(...paths.map((p) => external_node_path_.resolve(p)));
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
        if (this.image && process_removeImageNow(this.image, this.log))
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
    return paths.filter((p) => present(p) && removeExport(p));
}
/** Whether `p` is gone now (a path not named as the action names its exports is never removed). */
function removeExport(p) {
    if (!exports_state_present(p))
        return true;
    if (!isExportPath(p))
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
    return removeImageNow(id, log);
}

;// CONCATENATED MODULE: ./src/leak-guard/registry-access.ts
/**
 * Registry credentials as docker/login-action leaves them, for skopeo, and the check
 * before the build that each push target will take them: a refused login fails the step
 * in a second, not after a build and a scan. The action never reads a credential itself:
 * skopeo does, from the docker config, and only says whether it was accepted.
 */






/**
 * The docker config docker/login-action leaves (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), given to skopeo explicitly: without it skopeo reads podman's
 * auth.json first, which is not what the workflow logged in with. skopeo reads `auths`
 * and `credHelpers` but not `credsStore` (containers/image#111): with a store, a copy of
 * the config names it as the helper of each registry pushed to. No credential is copied.
 */
function dockerAuth(work, refs) {
    const file = external_node_path_.join(dockerConfigDir(), 'config.json');
    let config;
    try {
        config = JSON.parse(external_node_fs_.readFileSync(file, 'utf8'));
    }
    catch {
        return external_node_fs_.existsSync(file) ? ['--authfile', file] : [];
    }
    if (!config.credsStore)
        return ['--authfile', file];
    const store = config.credsStore;
    const credHelpers = { ...Object.fromEntries(refs.map((r) => [registryOf(r), store])), ...config.credHelpers };
    const copy = external_node_path_.join(work, 'docker-config.json');
    external_node_fs_.writeFileSync(copy, JSON.stringify({ ...config, credHelpers }), { mode: 0o600 });
    return ['--authfile', copy];
}
/**
 * Each registry pushed to, before the build: with stored credentials, skopeo logs in with
 * them (`Existing credentials are valid`, or a refusal); without any, a registry that
 * answers `/v2/` with 401 wants a login the push will not have. A registry that cannot be
 * reached is left to the push, which will say why.
 */
async function checkPushAccess(refs, auth, insecure, log) {
    for (const registry of [...new Set(refs.map(registryOf))]) {
        const tls = insecure(registry) ? ['--tls-verify=false'] : [];
        const stored = await process_capture(['login', '--get-login', ...auth, registry], log, 'skopeo');
        // skopeo calls any failure to check a login "invalid credentials": a registry that does not answer is left to the push.
        const status = await anonymousStatus(registry, insecure(registry));
        if (status === undefined)
            continue;
        if (stored.code === 0) {
            const login = await process_capture(['login', ...auth, ...tls, registry], log, 'skopeo');
            if (login.code !== 0)
                throw new errors/* ActionError */.lZ(`the registry ${registry} refuses the credentials stored for it: log in again before this step (docker/login-action) with a token that may push there; nothing was built`);
        }
        else if (status === 401) {
            throw new errors/* ActionError */.lZ(`the registry ${registry} wants a login and none is stored for it: log in before this step (docker/login-action), and for ghcr.io grant the job permissions: packages: write; nothing was built`);
        }
    }
}
async function anonymousStatus(registry, insecure) {
    const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
    try {
        const r = await fetch(`${insecure && isLoopback(registry) ? 'http' : 'https'}://${host}/v2/`, { signal: AbortSignal.timeout(5000) });
        return r.status;
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/leak-guard/publish.ts








/** The registry references a publication pushes to (images and caches). */
const registryRefs = (plan) => [...plan.pushes.map((x) => x.name), ...plan.caches.map((c) => c.ref)];
/** Before the build: skopeo is there, and each registry pushed to takes the stored credentials (registry-access.ts). */
async function checkPublishing(plan, work, log) {
    const v = await process_capture(['--version'], log, 'skopeo');
    if (v.code !== 0)
        throw new errors/* ActionError */.lZ(`skopeo --version failed (${lastLine(v.stderr)}): the leak guard pushes the scanned image with skopeo`);
    const refs = registryRefs(plan);
    const insecure = new Set([
        ...plan.pushes.filter((x) => x.insecure).map((x) => registryOf(x.name)),
        ...plan.caches.filter((c) => c.insecure).map((c) => registryOf(c.ref))
    ]);
    await checkPushAccess(refs, dockerAuth(work, refs), (r) => insecure.has(r), log);
}
async function publishScanned(publisher, plan, built, scanned) {
    const p = { ...publisher, auth: dockerAuth(publisher.work, registryRefs(plan)) };
    const done = [];
    let digest = built.digest;
    let imageid = built.imageid;
    if (plan.image?.kind === 'oci') {
        for (const push of plan.pushes)
            await pushExport(p, plan.image.path, push, built.digest);
        if (plan.pushes.length)
            done.push(`pushed the scanned image ${publish_short(built.digest)} to ${names(plan.pushes.map(pushRef(built.digest)))}`);
        if (plan.load) {
            const loaded = await loadExport(p, plan.image.path, plan.load, built.digest, scanned);
            // The engine's id of what it loaded, as build-push-action's imageid is after a load (`docker run <imageid>`).
            imageid = loaded.id;
            done.push(loaded.detail);
        }
    }
    else if (plan.image?.kind === 'loaded') {
        for (const name of [...(plan.load ?? []), ...plan.pushes.map((x) => x.name)])
            await docker(p, ['tag', built.imageid, name], `tag the scanned image as ${name}`);
        for (const push of plan.pushes)
            digest = await pushLoaded(p, push.name);
        if (plan.pushes.length)
            done.push(`pushed the scanned image ${publish_short(built.imageid)} to ${names(plan.pushes.map((x) => x.name))}`);
        if (plan.load?.length)
            done.push(`tagged the scanned image ${names(plan.load)}`);
    }
    for (const c of plan.caches)
        await pushCache(p, c);
    if (plan.caches.length)
        done.push(`pushed the scanned cache to ${names(plan.caches.map((c) => c.ref))}`);
    for (const m of plan.moves)
        moveIntoPlace(m.from, m.to);
    if (plan.moves.length)
        done.push(`moved ${names(plan.moves.map((m) => m.to))} into place`);
    const metadata = withImageNames(built.metadata, [...plan.pushes.map(pushRef(built.digest)), ...(plan.load ?? [])]);
    return { outputs: { imageid, digest, metadata }, detail: done.join('; ') || 'nothing was published: no output leaves the runner' };
}
const publish_short = (d) => d.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');
const names = (list) => list.join(', ');
/** `name`, or for push-by-digest its repository at the scanned digest. */
const pushRef = (digest) => (push) => (push.byDigest ? `${repository(push.name)}@${digest}` : push.name);
async function pushExport(p, archive, push, scannedDigest) {
    const ref = pushRef(scannedDigest)(push);
    const digestFile = external_node_path_.join(p.work, 'pushed-digest');
    const tls = push.insecure ? ['--dest-tls-verify=false'] : [];
    const args = ['copy', '--all', '--preserve-digests', '--digestfile', digestFile, ...(p.auth ?? []), ...tls, `oci-archive:${archive}`, `docker://${ref}`];
    await run(p, 'skopeo', args);
    const pushed = external_node_fs_.readFileSync(digestFile, 'utf8').trim();
    if (pushed !== scannedDigest)
        throw new errors/* ActionError */.lZ(`leak guard: ${ref} was stored as ${pushed}, not as the scanned ${scannedDigest}`);
}
async function pushCache(p, c) {
    const tls = c.insecure ? ['--dest-tls-verify=false'] : [];
    await run(p, 'skopeo', ['copy', '--all', '--preserve-digests', ...(p.auth ?? []), ...tls, `oci:${c.from}`, `docker://${c.ref}`]);
}
/**
 * `docker load` of the scanned export: every platform of it, as the engine's image id
 * says (on the containerd store the index digest; on the classic store a config the
 * scan read). Then each name is tagged.
 */
async function loadExport(p, archive, load, scannedDigest, scanned) {
    const r = await process_capture(['load', '--quiet', '--input', archive], p.log);
    if (r.code !== 0)
        throw new errors/* ActionError */.lZ(`could not load the scanned image into the engine: ${lastLine(r.stderr)}`);
    const id = /Loaded image ID: (sha256:[0-9a-f]{64})/.exec(r.stdout)?.[1];
    const known = new Set([scannedDigest, ...scanned.map((s) => s.config)]);
    if (!id || !known.has(id))
        throw new errors/* ActionError */.lZ(`leak guard: the engine loaded ${id ?? 'an image it did not name'}, not the scanned ${scannedDigest}`);
    for (const name of load)
        await docker(p, ['tag', id, name], `tag the scanned image as ${name}`);
    // The same image may have been read twice (an OCI file output of it too): platforms are distinct manifests.
    const count = new Set(scanned.map((s) => s.manifest)).size;
    const platforms = count > 1 ? ` (${count} platforms)` : '';
    return { id, detail: `loaded the scanned image ${publish_short(id)}${platforms}${load.length ? ` as ${names(load)}` : ' untagged'}` };
}
/** The classic store: the engine pushes the image it holds; the digest is the one the registry gave it. */
async function pushLoaded(p, name) {
    await run(p, 'docker', ['push', name]);
    const r = await process_capture(['image', 'inspect', '--format', '{{json .RepoDigests}}', name], p.log);
    let digests = [];
    try {
        digests = JSON.parse(r.stdout);
    }
    catch {
        // no digest to report
    }
    const mine = digests.find((d) => d.startsWith(`${repository(name)}@`) || d.startsWith(`docker.io/${repository(name)}@`));
    return mine?.replace(/^.*@/, '') ?? '';
}
/** A publishing command, printed through the scrubber; its failure diagnosed as a build's is (the registry's refusal, its hint). */
async function run(p, program, args) {
    const r = await runStreamed(args, p.log, { program, onSpawn: p.onSpawn, env: { TMPDIR: p.work }, echo: true });
    if (r.code === 0)
        return;
    throw new errors/* ActionError */.lZ(diagnoseBuildFailure(r, { ids: [], phase: 'publish', command: `${program} ${args[0]}` }).message);
}
async function docker(p, args, what) {
    const r = await process_capture(args, p.log);
    if (r.code !== 0)
        throw new errors/* ActionError */.lZ(`could not ${what}: ${lastLine(r.stderr)}`);
}
/** build-push-action's metadata names what was pushed (`image.name`); the export had no name, so it is added here. */
function withImageNames(metadata, published) {
    const meta = parseMetadata(metadata);
    if (!published.length || !metadata || 'image.name' in meta)
        return metadata;
    return JSON.stringify({ ...meta, 'image.name': published.join(',') }, null, 2);
}
/**
 * A scanned file output takes its destination's place: a tarball replaces the file, a
 * directory's entries go into the existing directory as buildx would write them. Renames
 * on the same filesystem (no copy, no window); through a symlinked destination, a copy.
 */
function moveIntoPlace(from, to) {
    if (!external_node_fs_.existsSync(from))
        return;
    const target = external_node_fs_.existsSync(to) ? external_node_fs_.realpathSync(to) : to;
    if (!external_node_fs_.statSync(from).isDirectory() || !external_node_fs_.existsSync(target))
        return move(from, target);
    for (const name of external_node_fs_.readdirSync(from)) {
        external_node_fs_.rmSync(external_node_path_.join(target, name), { recursive: true, force: true });
        move(external_node_path_.join(from, name), external_node_path_.join(target, name));
    }
    external_node_fs_.rmSync(from, { recursive: true, force: true });
}
function move(from, to) {
    try {
        external_node_fs_.renameSync(from, to);
    }
    catch (e) {
        if (e.code !== 'EXDEV')
            throw e;
        external_node_fs_.cpSync(from, to, { recursive: true });
        external_node_fs_.rmSync(from, { recursive: true, force: true });
    }
}

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
        const type = Number(external_node_fs_.statfsSync(dir).type);
        return type === TMPFS_MAGIC || type === RAMFS_MAGIC;
    }
    catch {
        return false;
    }
}
function usable(dir) {
    try {
        const st = external_node_fs_.statSync(dir);
        if (!st.isDirectory() || !safeParent(st))
            return false;
        external_node_fs_.accessSync(dir, external_node_fs_.constants.W_OK | external_node_fs_.constants.X_OK);
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
    throw new errors/* ActionError */.lZ(`no writable tmpfs for the secret vault (tried ${tried}; a directory must be a tmpfs, writable, ` +
        'and owned by this user or root, with the sticky bit if others may write to it). ' +
        (o.tmpfsDir ? 'Point tmpfs-dir at a writable tmpfs mount, ' : 'Mount a tmpfs (e.g. /dev/shm) or set tmpfs-dir, ') +
        'or set allow-disk-fallback: true to accept secrets on disk under RUNNER_TEMP.');
}
/** Creates the private vault directory; mkdtemp's random name defeats pre-planted paths. */
function createVaultDir(base) {
    const dir = external_node_fs_.mkdtempSync(external_node_path_.join(base, VAULT_PREFIX));
    external_node_fs_.chmodSync(dir, 0o700);
    const st = external_node_fs_.lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o077) !== 0) {
        throw new errors/* ActionError */.lZ(`vault directory ${dir} is not a private directory of this user`);
    }
    try {
        writeVaultFile(external_node_path_.join(dir, MARKER), Buffer.from((0,external_node_crypto_.randomBytes)(16).toString('hex')));
    }
    catch (e) {
        // Not yet in the step's state (that needs the marker): removed here or nowhere. It holds no secret yet.
        external_node_fs_.rmSync(dir, { recursive: true, force: true });
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
    const fd = external_node_fs_.openSync(file, EXCLUSIVE, 0o600);
    try {
        external_node_fs_.fchmodSync(fd, 0o600);
        writeAll(fd, value);
    }
    finally {
        external_node_fs_.closeSync(fd);
    }
}
/** Every byte, or an error: a short write on a full tmpfs would hand buildx a truncated secret. */
function writeAll(fd, value) {
    let done = 0;
    try {
        while (done < value.length) {
            const n = external_node_fs_.writeSync(fd, value, done, value.length - done);
            if (n <= 0)
                throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
            done += n;
        }
    }
    catch (e) {
        const code = e.code;
        if (code === 'ENOSPC' || code === 'EDQUOT') {
            throw new errors/* ActionError */.lZ(`no space left on the secret vault's tmpfs for a ${value.length}-byte secret (${done} bytes written): give tmpfs-dir a larger tmpfs, or free space on it`);
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
    return process.env.RUNNER_TEMP || external_node_os_namespaceObject.tmpdir();
}
/** Where main records the vault path for the post step, and the vault's marker. */


;// CONCATENATED MODULE: ./src/secrets/session.ts
/**
 * The secret lifecycle in one place: a session writes each secret into a fresh vault,
 * hands out the mounts for the one buildx run that reads them, and wipes the vault
 * when that run is over. `withMountedSecrets` is the only way to get mounts, so no
 * code can hold a secret file beyond the callback that needs it. A signal handler
 * may dispose the session at any moment; disposing twice is harmless.
 */


class SecretSession {
    dir;
    mounts = [];
    constructor(dir) {
        this.dir = dir;
    }
    static open(secrets, base, hooks) {
        const dir = createVaultDir(base.dir);
        hooks.remember(dir, vaultMarker(dir));
        const session = new SecretSession(dir);
        hooks.track(session);
        try {
            secrets.forEach((s, k) => {
                const file = external_node_path_.join(dir, `secret-${k}`);
                writeVaultFile(file, s.value);
                session.mounts.push({ id: s.id, file });
            });
        }
        catch (e) {
            hooks.track(undefined);
            session.dispose();
            throw e;
        }
        return session;
    }
    /** Wipes and removes the vault. Synchronous, so a signal handler can rely on it. True if it removed something. */
    dispose() {
        const dir = this.dir;
        this.dir = undefined;
        this.mounts.length = 0;
        return dir !== undefined && removeVault(dir);
    }
}
/** Runs `fn` with the secrets mounted; the vault is gone when it returns or throws. */
async function withMountedSecrets(secrets, base, hooks, fn) {
    const session = SecretSession.open(secrets, base, hooks);
    try {
        return await fn([...session.mounts]);
    }
    finally {
        hooks.track(undefined);
        session.dispose();
    }
}

;// CONCATENATED MODULE: ./src/pipeline.ts





















/** The leak guard's mode for this run: with nothing secret to find, it has nothing to verify (one build). */
function guardMode(inputs, secrets) {
    return inputs.leakCheck !== 'off' && secrets.length > 0 ? inputs.leakCheck : 'off';
}
/**
 * Files buildx writes for the action (image id, metadata, exports): not secret, so outside
 * the vault, on RUNNER_TEMP; unscanned, so recorded and removed on every way out (exports.ts).
 */
async function buildVerifyPublish(r) {
    const work = external_node_fs_.mkdtempSync(external_node_path_.join(defaultRunnerTemp(), 'secret-build-work-'));
    const exports = new Exports(r.log);
    exports.add(work);
    const forget = r.cancel.cleanup(exports);
    try {
        return await inWorkDir(r, work, exports);
    }
    finally {
        forget();
        try {
            exports.dispose();
        }
        catch (e) {
            // Left in the step's state: the post step removes it.
            r.log.warning(`secret-build: ${e.message}`);
        }
    }
}
/** Runs `fn`; a failure carries what was known before it (`facts`) to the summary. */
async function knowing(facts, fn) {
    try {
        return await fn();
    }
    catch (e) {
        throw e instanceof errors/* PhaseFailure */.wm ? e : new errors/* PhaseFailure */.wm(e, facts);
    }
}
async function inWorkDir(r, work, exports) {
    const { inputs, log } = r;
    // Where the secrets will go is settled first: without a tmpfs, nothing else runs.
    const base = chooseVaultBase({ tmpfsDir: inputs.tmpfsDir, allowDiskFallback: inputs.allowDiskFallback, runnerTemp: defaultRunnerTemp() });
    if (base.kind === 'disk-fallback')
        log.warning(`no writable tmpfs found: secrets are written to disk under ${base.dir} (allow-disk-fallback is true)`);
    const known = { vaultKind: base.kind, checks: [], notScanned: [] };
    return knowing(known, () => planBuildScanPublish(r, base, work, exports, known));
}
async function planBuildScanPublish(r, base, work, exports, known) {
    const { inputs, secrets, log } = r;
    const guard = guardMode(inputs, secrets);
    // The steps are keyed while buildx inspects the builder (scrypt runs on libuv's threads).
    const keying = keySteps(r, work);
    // The builder is inspected for the leak guard's plan, and for build-push-action's test before its default provenance.
    // Only after the preflight passed: `--bootstrap` may start a builder, and a failed preflight runs no docker at all.
    const probe = guard !== 'off' || inputs.provenanceDefault !== '';
    const builder = probe ? await inspectBuilder(inputs.build.builder, log) : { driver: '', ociExport: true };
    const isolation = await keying;
    const onShared = cacheMountsOnSharedBuilder(inputs.leakCheck, r.cacheMounts ?? [], sharedBuilder(builder.driver), log, r.dockerfile);
    if (onShared.errors) {
        const e = new errors/* ActionError */.lZ(`leak guard: ${onShared.errors} secret(s) written to a cache mount of a shared builder, see the annotations; nothing was built`);
        throw new errors/* PhaseFailure */.wm(e, withFacts(known, { preflightFindings: onShared.rows }));
    }
    const provenance = builder.defaultProvenance ? { provenance: inputs.provenanceDefault } : {};
    const keyedFile = isolation.keyed && isolation.file ? keyedInputs(inputs.build, isolation.file, isolation.name) : {};
    const plan = planGuard({ ...inputs.build, ...provenance, ...keyedFile }, guard, builder, work, `secret-build-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
    exports.add(...(plan.publish?.moves ?? []).map((m) => m.from));
    // A tool the publishing needs is checked before the secrets are mounted: never a build whose scanned result cannot go out.
    if (needsSkopeo(plan.publish))
        await log.group('Check the publishing targets', () => checkPublishing(plan.publish, work, log));
    const keyed = withFacts(known, { checks: [isolationCheck(isolation)], skipped: scanSkipped(inputs, guard) });
    const files = buildFiles(work);
    if (plan.publish?.image?.kind === 'loaded')
        exports.loadsInto(files.iidFile);
    const built = await knowing(keyed, () => buildWithSecrets(r, base, plan, files, isolation, !!builder.safeHistoryRemoval));
    if (!plan.publish) {
        await knowing(keyed, () => failIfShared(r, built.shared));
        return { outputs: built.outputs, facts: keyed };
    }
    if (plan.publish.image?.kind === 'loaded' && built.outputs.imageid)
        exports.loaded(built.outputs.imageid);
    const published = await scanThenPublish(r, plan, plan.publish, built, work, keyed);
    exports.published();
    return published;
}
/** The secret-mounting steps keyed on the secrets' values (isolation/), or why they could not be. */
async function keySteps(r, work) {
    if (!r.secrets.length || evaluatesOnly(r.inputs.build))
        return { keyed: true, lines: [] };
    const b = r.inputs.build;
    const ssh = new Set(r.inputs.sshSecrets.map((s) => s.secret));
    try {
        return await isolate({
            dockerfile: dockerfilePath(b.context, b.file),
            context: b.context,
            remoteContext: isRemoteContext(b.context),
            fileIsAbsolute: external_node_path_.isAbsolute(b.file),
            extraArgs: b['extra-args'],
            secrets: r.secrets,
            secretIds: r.secrets.filter((s) => !ssh.has(s.id)).map((s) => s.id),
            sshSecrets: r.inputs.sshSecrets,
            buildArgs: buildArgMap(b['build-args']),
            target: b.target || undefined,
            work,
            repository: process.env.GITHUB_REPOSITORY ?? '',
            parts: r.keyParts,
            gitLabels: process.env.BUILDX_GIT_LABELS === 'full' || envSwitch(process.env, 'BUILDX_GIT_LABELS', false)
        });
    }
    catch (e) {
        return { keyed: false, reason: `the steps could not be keyed: ${e.message}` };
    }
}
/** The keyed file for buildx, and the build's name it would have had (unless the user names it). */
function keyedInputs(b, file, name) {
    const named = b['build-args'].some((a) => /^\s*BUILDKIT_BUILD_NAME\s*=/.test(a));
    return { file, ...(name && !named ? { 'build-args': [...b['build-args'], `BUILDKIT_BUILD_NAME=${name}`] } : {}) };
}
/** Why nothing will be scanned, when nothing will. */
function scanSkipped(inputs, guard) {
    const why = inputs.leakCheck === 'off'
        ? 'leak-check: off'
        : guard === 'off'
            ? 'the build has no secrets to look for'
            : evaluatesOnly(inputs.build)
                ? `call: ${inputs.build.call} builds no image`
                : undefined;
    return why ? [{ what: 'image scan', why }] : [];
}
function isolationCheck(i) {
    const name = 'steps keyed on their secrets';
    if (!i.keyed)
        return { name, outcome: `no: ${i.reason}; concurrent builds on the builder fail the step` };
    return { name, outcome: i.lines.length ? `line${i.lines.length === 1 ? '' : 's'} ${i.lines.join(', ')}` : 'no step mounts a secret' };
}
/**
 * The only build that mounts the secrets; the vault is wiped when it exits. When the
 * steps could not be keyed, also starts the look for builds that ran beside it (one buildx
 * call), which the scan then overlaps: anything found fails the step before publishing.
 */
async function buildWithSecrets(r, base, plan, files, isolation, safeRemoval) {
    const { secrets, log, cancel } = r;
    const remember = (dir, marker) => {
        log.saveState(VAULT_STATE_KEY, dir);
        log.saveState(VAULT_MARKER_KEY, marker);
    };
    const hooks = { remember, track: (s) => cancel.track(s) };
    const title = plan.publish ? 'Build with the secrets mounted (exports to this runner only)' : 'Build with the secrets mounted';
    const result = await log.group(title, () => withMountedSecrets(secrets, base, hooks, (mounts) => {
        log.info(`${mounts.length} secret(s) mounted: ${secrets.map((s) => s.id).join(', ') || 'none'} (vault on ${base.kind})`);
        const { secretMounts, sshKeys } = splitMounts(mounts, r.inputs.sshSecrets);
        const done = runBuildx(r, buildxArgs(plan.build, secretMounts, files, sshKeys), isolation.keyed ? isolation.stdin : undefined);
        // buildx has been spawned: the scanner compiles while it runs.
        if (plan.publish)
            preloadScanner();
        return done;
    }));
    log.info('secret vault wiped');
    const outputs = readBuildOutputs(files);
    const meta = parseMetadata(outputs.metadata);
    const ref = typeof meta['buildx.build.ref'] === 'string' ? meta['buildx.build.ref'] : '';
    // The builder's history keeps the raw log: when the scrubber had to redact it, that record goes.
    if (result.redactions && ref)
        await removeRecord(ref, r.inputs.build.builder, safeRemoval, log);
    const shared = isolation.keyed ? Promise.resolve([]) : concurrentBuilds(ref, r.inputs.build.builder, log).catch(() => []);
    if (evaluatesOnly(r.inputs.build))
        return { outputs: checked(r, result, outputs, meta), ref, shared };
    failOn(result, r, 'build');
    annotateChecks(r, buildWarnings(meta), 'warning');
    return { outputs, ref, shared };
}
/**
 * BuildKit runs identical steps of concurrent builds once, and a secret's content is not
 * part of a step's key: when the steps could not be keyed, a build beside ours may have
 * run our step with its secret, or its step with ours. Nothing is published then.
 */
async function failIfShared(r, shared) {
    const others = await shared;
    if (!others.length)
        return;
    throw new errors/* ActionError */.lZ(`${others.length} other build(s) ran on this builder at the same time (${others.slice(0, 3).join(', ')}), and the steps that mount secrets could not be keyed on ` +
        "their values (see the summary): BuildKit runs identical steps of concurrent builds once, so a step may have run with the other build's secret. " +
        `${r.inputs.leakCheck === 'off' && !r.inputs.build.push ? '' : 'Nothing was published by the action. '}Give the job a builder of its own (docker/setup-buildx-action creates one per job), or build from a local Dockerfile so the action can key the steps.`);
}
/** `call: check`: each finding an error annotation on its line; findings fail the step, as build-push-action does. */
function checked(r, result, outputs, meta) {
    const checks = checkResults(meta);
    const shown = annotateChecks(r, checks, 'error');
    if (result.code !== 0 && checks.length) {
        // The check result is the metadata output even when it fails the step, as build-push-action sets it.
        r.log.setOutput('metadata', outputs.metadata);
        const where = shown ? 'the annotations' : 'the build output (DOCKER_BUILD_CHECKS_ANNOTATIONS is off)';
        throw new errors/* ActionError */.lZ(`BuildKit's build checks found ${checks.length} problem${checks.length === 1 ? '' : 's'}, see ${where}`);
    }
    failOn(result, r, 'build');
    return outputs;
}
/** Secrets named in ssh-secrets go to buildx as SSH keys, not as secret mounts (least privilege). */
function splitMounts(mounts, ssh) {
    const sshKeys = ssh.map((s) => ({ id: s.ssh, file: mounts.find((m) => m.id === s.secret).file }));
    const secretMounts = mounts.filter((m) => !ssh.some((s) => s.secret === m.id));
    return { secretMounts, sshKeys };
}
/**
 * The build, streamed; BuildKit's build-check warnings go into its metadata (the `metadata`
 * output keeps them). `dockerfile`: the keyed Dockerfile for its standard input
 * (isolation/isolate.ts), when it reads it there.
 */
function runBuildx(r, args, dockerfile) {
    const onSpawn = (child) => r.cancel.setChild(child);
    return runStreamed(args, r.log, { onSpawn, env: { BUILDX_METADATA_WARNINGS: '1' }, echo: true, stdin: dockerfile });
}
function failOn(result, r, phase) {
    if (result.code === 0)
        return;
    const d = diagnoseBuildFailure(result, { ids: r.secrets.map((s) => s.id), phase });
    throw new errors/* ActionError */.lZ(d.message, d.line);
}
/**
 * BuildKit's build checks (SecretsUsedInArgOrEnv and the rest) as annotations on their
 * Dockerfile lines, unless DOCKER_BUILD_CHECKS_ANNOTATIONS turns them off as it does for
 * build-push-action. Whether they were shown.
 */
function annotateChecks(r, checks, level) {
    if (!envSwitch(process.env, 'DOCKER_BUILD_CHECKS_ANNOTATIONS', true))
        return false;
    for (const c of checks)
        r.log[level](`${c.message}${c.url ? ` (${c.url})` : ''}`, { title: 'BuildKit build check', file: r.dockerfile, startLine: c.line });
    return true;
}
/** The vault is gone by now: scan what the build left on the runner, and publish exactly that if it is clean. */
async function scanThenPublish(r, plan, publish, build, work, known) {
    const { inputs, log } = r;
    const built = build.outputs;
    const targets = plan.targets.map((t) => (t.kind === 'loaded-image' ? { kind: 'image', ref: built.imageid, label: t.label } : t));
    const scan = await log.group('Leak guard: scan before publishing', () => runScan(inputs.leakCheck, targets, [built.metadata], log));
    const scanned = withFacts(known, {
        checks: [{ name: 'scan before publishing', outcome: scan.summary }],
        notScanned: scan.unreadable,
        imageFindings: scan.findings
    });
    // On a finding the loaded image (classic store) is removed with the other exports, as the step fails.
    if (scan.errors) {
        if (build.ref)
            await log.group("Remove the blocked build's cache records", () => pruneBuildRecords(build.ref, inputs.build.builder, log));
        const e = new errors/* ActionError */.lZ(`leak guard: ${scan.problems} in what the build produced, see the annotations; nothing was published`);
        throw new errors/* PhaseFailure */.wm(e, scanned);
    }
    await knowing(scanned, () => failIfShared(r, build.shared));
    const published = await knowing(scanned, () => log.group('Publish the scanned result', () => publishScanned({ log, work, onSpawn: (c) => r.cancel.setChild(c) }, publish, built, scan.images)));
    return { outputs: published.outputs, facts: withFacts(scanned, { checks: [{ name: 'published = scanned', outcome: published.detail }] }) };
}
function buildFiles(work) {
    return { iidFile: external_node_path_.join(work, 'iid'), metadataFile: external_node_path_.join(work, 'metadata.json') };
}

;// CONCATENATED MODULE: ./src/inputs/secretless-run.ts
/**
 * Why a run has no secrets, from the workflow's event. Pull requests from forks and
 * Dependabot's runs get no repository secrets by design. The event is read as
 * @actions/github's `context` reads it (GITHUB_EVENT_NAME, GITHUB_ACTOR and the JSON
 * at GITHUB_EVENT_PATH), without that package: three fields were all it was used for,
 * and it brought Octokit and a second HTTP client (a 1.1 MB chunk) into the bundle.
 */

/** As @actions/github's Context: no GITHUB_EVENT_PATH or no file there is an empty payload; a file that is not JSON is an error. */
function eventContext(env) {
    const file = env.GITHUB_EVENT_PATH;
    const payload = file && external_node_fs_.existsSync(file) ? JSON.parse(external_node_fs_.readFileSync(file, 'utf8')) : {};
    return { eventName: env.GITHUB_EVENT_NAME, actor: env.GITHUB_ACTOR, payload };
}
function secretlessRun(env = process.env) {
    const context = eventContext(env);
    const pr = context.payload.pull_request;
    const head = pr?.head?.repo;
    const fromFork = !!pr && context.eventName === 'pull_request' && (head?.fork === true || (!!head?.full_name && head.full_name !== pr.base?.repo?.full_name));
    if (fromFork) {
        return {
            reason: `this is a pull request from a fork (${head?.full_name ?? 'another repository'}), and GitHub gives such runs no secrets`,
            remedies: 'build without secrets for forks (on-missing-secrets: skip skips the build with a notice), or build after review with a maintainer-triggered workflow; do not switch to pull_request_target for code from forks'
        };
    }
    if (context.actor === 'dependabot[bot]') {
        return {
            reason: 'this run was started by Dependabot, which gets only Dependabot secrets',
            remedies: 'add the secrets as Dependabot secrets (Settings → Secrets and variables → Dependabot), or set on-missing-secrets: skip'
        };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/main.ts
/**
 * The main step, in order: read inputs → resolve secrets and make the Log (masks
 * registered) → preflight → build with the secrets mounted, scan, publish
 * (pipeline.ts) → outputs and summary. A signal disposes the vault at once; the post
 * step removes it again if this process was killed, and is skipped when this process
 * ended with nothing left (post-gate.ts).
 */















async function main_run() {
    const started = Date.now();
    let report = newReport();
    let gate;
    let r;
    let log;
    const cancel = onCancel((m) => (log ?? log_Log.forSecrets([])).warning(m));
    try {
        // Before anything exists that the post step might have to remove.
        gate = openPostGate();
        const resolved = resolve();
        if ('skipped' in resolved) {
            report = { ...report, result: 'skipped', error: resolved.skipped };
            return;
        }
        log = resolved.log;
        report = { ...report, ...described(resolved) };
        const prepared = await main_prepare(resolved, cancel);
        r = prepared.run;
        report = withFacts(report, prepared.facts);
        const { outputs, facts } = await buildVerifyPublish(r);
        r.log.setOutput('imageid', outputs.imageid);
        r.log.setOutput('digest', outputs.digest);
        r.log.setOutput('metadata', outputs.metadata);
        r.log.setOutput('skipped', 'false');
        report = { ...withFacts(report, facts), imageid: outputs.imageid, digest: outputs.digest, result: 'success' };
    }
    catch (failure) {
        const { cause: e, facts } = (0,errors/* unwrapFailure */.g5)(failure);
        // Before the Log exists nothing secret is known to print: errors name inputs and entries only.
        log ??= log_Log.forSecrets([]);
        report = { ...withFacts(report, facts), error: (0,errors/* messageOf */.bD)(e) };
        const line = e instanceof errors/* ActionError */.lZ ? e.line : undefined;
        log.fail((0,errors/* messageOf */.bD)(e), line && r?.dockerfile ? { file: r.dockerfile, startLine: line, title: 'docker buildx build failed' } : undefined);
    }
    finally {
        cancel.dispose();
        const out = log ?? log_Log.forSecrets([]);
        // DOCKER_BUILD_SUMMARY=false turns the job summary off, as it does build-push-action's.
        if (envSwitch(process.env, 'DOCKER_BUILD_SUMMARY', true))
            await writeSummary({ ...report, durationMs: Date.now() - started }, out).catch((e) => out.warning(`job summary not written: ${(0,errors/* messageOf */.bD)(e)}`));
        // Last: the runner skips the post step only if, now, it would find nothing to remove.
        gate?.close(savedState);
    }
}
/** What the summary says of the build before it runs: the secret ids, tags, platforms and builder. */
function described({ inputs, secrets }) {
    const b = inputs.build;
    return { ids: secrets.map((s) => s.id), tags: b.tags, platforms: b.platforms, builder: b.builder || 'default' };
}
/** Inputs and secret values, and the Log made from them: from here on every secret is masked. Or why the build is skipped. */
function resolve() {
    const inputs = readInputs();
    // Out of the environment at once; this function's local is the only copy, gone when it returns.
    const secretsJson = takeSecretsJson();
    try {
        const secrets = [...(0,values/* resolveSecrets */.Mx)(inputs.secrets, { env: process.env, secretsJson }), ...urlTokenSecrets(inputs), ...gitAuthSecret(inputs)];
        // The step keys' scrypt (isolation/) starts as soon as the values are known: on libuv's threads, it overlaps all that follows until the build.
        const keyParts = earlyParts(secrets, process.env.GITHUB_REPOSITORY ?? '');
        return { inputs, secrets, keyParts, log: log_Log.forSecrets(secrets) };
    }
    catch (e) {
        if (!(e instanceof errors/* MissingSecretsError */.wy))
            throw e;
        return whenSecretsAreMissing(e, inputs.onMissingSecrets);
    }
}
/**
 * github-token for a Git context on the workflow's server, as BuildKit looks for it
 * (`GIT_AUTH_TOKEN.<host>`): from the vault like any secret, never on argv or in env.
 */
function gitAuthSecret(inputs) {
    const b = inputs.build;
    const id = gitAuthSecretId([b.context, ...b['build-contexts']], process.env);
    // Too short to mask is too short to mount, as for every secret.
    const given = [...inputs.secrets, ...inputs.urlTokens].some((s) => s.id === id);
    if (!id || inputs.githubToken.length < values/* MIN_SECRET_BYTES */.SI || given)
        return [];
    return [{ id, input: 'github-token', entry: 1, value: Buffer.from(inputs.githubToken) }];
}
/** The tokens that were in Git context URLs (inputs/git-context.ts takeUrlToken), mounted as GIT_AUTH_TOKEN.<host>. */
function urlTokenSecrets(inputs) {
    return inputs.urlTokens.map((t) => ({ id: t.id, input: t.input, entry: t.entry, value: Buffer.from(t.value) }));
}
/** Says why the run has no secrets; skips the build only when asked to and the run is one that gets none. */
function whenSecretsAreMissing(e, onMissing) {
    const why = secretlessRun();
    if (!why)
        throw new errors/* ActionError */.lZ(`${e.message}: is each secret defined for this repository, its environment and this event?`);
    if (onMissing === 'fail')
        throw new errors/* ActionError */.lZ(`${e.message}: ${why.reason}. To go on: ${why.remedies}`);
    const log = log_Log.forSecrets([]);
    log.notice(`secret-build: build skipped: ${why.reason} (on-missing-secrets: skip). ${e.message}`);
    log.setOutput('skipped', 'true');
    return { skipped: why.reason };
}
/** The rest of what can fail without touching the disk: the no-secret check of the build inputs, the preflight. */
async function main_prepare({ inputs, secrets, log, keyParts }, cancel) {
    const b = inputs.build;
    const ids = secrets.map((s) => s.id);
    assertNoSecretsInBuildInputs(b, log.redactor);
    // The vault's path is in buildx's argv (--secret src=…): a secret pasted there is refused here, by input name.
    const inTmpfsDir = log.redactor.secretsIn(inputs.tmpfsDir);
    if (inTmpfsDir.length)
        throw new errors/* InputError */.dz('tmpfs-dir', `contains the value of secret "${inTmpfsDir[0]}": name a tmpfs directory`);
    const dockerfile = dockerfilePath(b.context, b.file);
    const run = { inputs, secrets, log, cancel, keyParts, dockerfile: dockerfile && annotationPath(dockerfile) };
    const pre = await log.group('Leak guard: Dockerfile preflight', () => dockerfile
        ? runPreflight({
            mode: inputs.leakCheck,
            context: b.context,
            dockerfile,
            secretFiles: secretFiles(run),
            // A key forwarded over ssh is not a secret mount: it is not expected in RUN --mount=type=secret.
            providedIds: ids.filter((id) => !inputs.sshSecrets.some((s) => s.secret === id) && !id.startsWith('GIT_AUTH_TOKEN.')),
            allowMissingOptional: inputs.allowMissingOptionalSecrets,
            providedSshIds: sshIds(inputs),
            secrets,
            buildArgs: b['build-args'],
            target: b.target,
            ignoreRules: inputs.preflightIgnore
        }, log)
        : Promise.resolve(preflightSkipped('skipped: remote context', 'the context is remote (Git or HTTP), so the Dockerfile is not on the runner: give context: . after a checkout to have it checked')));
    const facts = {
        checks: [{ name: 'Dockerfile preflight', outcome: pre.summary }],
        notScanned: [],
        preflightFindings: pre.findings,
        skipped: [...pre.skipped, ...skippedCaches(b['cache-from'])]
    };
    if (pre.errors)
        throw new errors/* PhaseFailure */.wm(new errors/* ActionError */.lZ(`leak guard: ${pre.errors} preflight error(s), see the annotations; set leak-check: warn to build anyway`), facts);
    return { run: { ...run, cacheMounts: pre.cacheMounts }, facts };
}
/** cache-from entries buildx ignores here: the summary says so, as buildx does not. */
function skippedCaches(cacheFrom) {
    const why = 'type=gha without the GitHub cache service (no ACTIONS_RUNTIME_TOKEN and cache URL in this step, none given): buildx ignores it';
    return inactiveGhaImports(cacheFrom, process.env).map((k) => ({ what: `cache-from, entry ${k}`, why }));
}
/** The ssh ids the build gets: each `ssh` entry's id (`default` or `<id>=…`) and each ssh-secrets id. */
function sshIds(inputs) {
    return [...inputs.build.ssh.map((e) => e.split('=')[0].trim()), ...inputs.sshSecrets.map((s) => s.ssh)];
}
function secretFiles(r) {
    return r.secrets.flatMap((s) => (s.file === undefined ? [] : [{ id: s.id, path: s.file }]));
}


/***/ }),

/***/ 3795:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Mx: () => (/* binding */ resolveSecrets),
/* harmony export */   SI: () => (/* binding */ MIN_SECRET_BYTES)
/* harmony export */ });
/* unused harmony export MAX_SECRET_BYTES */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(3916);
/**
 * Resolves secret specs to their bytes: the literal value, the environment variable,
 * or the file. Checks what BuildKit and log masking need: not empty, not too short
 * to mask, not over BuildKit's size limit.
 */



/** BuildKit refuses secrets over 500 KiB (MaxSecretSize in buildkit's secret mounts). */
const MAX_SECRET_BYTES = 500 * 1024;
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
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .MissingSecretsError */ .wy(missing);
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
            return readSecretFile(spec, node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(spec.path));
    }
}
/** Parsed once; the caller keeps only the values secret-map names. */
function parseSecretsJson(text) {
    if (text.trim() === '')
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('secrets-json', 'is empty but secret-map names secrets: pass secrets-json: ${{ toJSON(secrets) }}');
    try {
        const v = JSON.parse(text);
        if (v && typeof v === 'object' && !Array.isArray(v))
            return v;
    }
    catch {
        // fall through: the message must not quote the text
    }
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz('secrets-json', 'is not a JSON object: pass ${{ toJSON(secrets) }}');
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
        fd = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(file, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY | node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NONBLOCK);
    }
    catch (e) {
        const code = e.code;
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(spec.input, code === 'ENOENT' ? 'file not found (paths are relative to the working directory)' : `cannot open the file (${code ?? 'error'})`, spec.entry);
    }
    try {
        const st = node_fs__WEBPACK_IMPORTED_MODULE_0__.fstatSync(fd);
        if (!st.isFile())
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(spec.input, 'not a regular file', spec.entry);
        if (PSEUDO_FS.has(Number(node_fs__WEBPACK_IMPORTED_MODULE_0__.statfsSync(file).type)))
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(spec.input, 'the file is on a pseudo filesystem (such as /proc): give a file on disk or tmpfs', spec.entry);
        if (st.size > MAX_SECRET_BYTES)
            throw tooBig(spec, st.size);
        const buf = Buffer.alloc(MAX_SECRET_BYTES + 1);
        let n = 0;
        for (let r = 1; r > 0 && n < buf.length; n += r)
            r = node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync(fd, buf, n, buf.length - n, null);
        if (n > MAX_SECRET_BYTES)
            throw tooBig(spec, n);
        return buf.subarray(0, n);
    }
    catch (e) {
        if (e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz)
            throw e;
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(spec.input, `cannot read the file (${e.code ?? 'error'})`, spec.entry);
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
    }
}
function checkSize(spec, value) {
    if (value.length === 0)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(spec.input, 'the secret value is empty', spec.entry);
    if (value.length < MIN_SECRET_BYTES) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(spec.input, `the secret value is shorter than ${MIN_SECRET_BYTES} bytes, too short to mask in logs`, spec.entry);
    }
    if (value.length > MAX_SECRET_BYTES)
        throw tooBig(spec, value.length);
}
function tooBig(spec, size) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InputError */ .dz(spec.input, `the secret is ${size} bytes; BuildKit accepts at most ${MAX_SECRET_BYTES} bytes`, spec.entry);
}


/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 6928:
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
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
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
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
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
/******/ var __webpack_exports__ = __nccwpck_require__(9719);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
