/** Scans one image tar in a process of its own and prints findings and peak RSS as JSON. */
import * as fs from 'node:fs';
import { ImageScanner } from '../src/leak-guard/image-scan.js';
import { redactorOf } from './util.js';

const [tar, secretsFile] = process.argv.slice(2);
const secrets = (JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as string[]).map((s) => Buffer.from(s, 'base64'));
const scanner = new ImageScanner(redactorOf(secrets));
await scanner.scanTar(fs.createReadStream(tar, { highWaterMark: 1 << 20 }));
console.log(JSON.stringify({ findings: scanner.findings.length, ...scanner.stats, maxRssKb: process.resourceUsage().maxRSS }));
