/**
 * Silencing a rule, as hadolint's `# hadolint ignore=DL3008` and BuildKit's `# check=skip=`
 * do: `# secret-build:ignore=<rule>[,<rule>…]` in the comment lines right above an
 * instruction silences those rules on that instruction; the preflight-ignore input does for
 * the run. A silenced finding is kept, marked, and listed in the summary: never dropped.
 */
import { lineOf, type Model } from './model.js';
import { isRuleId, type RuleId } from './rules.js';
import type { Finding } from './types.js';

const PRAGMA = /^\s*#\s*secret-build:\s*ignore=([^\s#]+)/i;

/** The rules silenced on each instruction's first line (1-based), by its comments. */
export function ignoredByComment(model: Model, text: string): Map<number, Set<RuleId>> {
  const lines = text.split(/\r?\n/);
  const byLine = new Map<number, Set<RuleId>>();
  for (const ins of model.instructions) {
    const line = lineOf(ins);
    const ids = new Set<RuleId>();
    // The comment block right above the instruction (blank lines end it, as hadolint reads it).
    for (let k = line - 2; k >= 0 && /^\s*#/.test(lines[k]); k--) {
      const m = PRAGMA.exec(lines[k]);
      for (const id of m ? m[1].split(',') : []) if (isRuleId(id.trim())) ids.add(id.trim() as RuleId);
    }
    if (ids.size) byLine.set(line, ids);
  }
  return byLine;
}

/** The findings, each marked when a comment or the run silences its rule. */
export function markIgnored(findings: Finding[], byComment: Map<number, Set<RuleId>>, forRun: readonly RuleId[] = []): Finding[] {
  const run = new Set(forRun);
  return findings.map((f) => {
    if (f.line !== undefined && byComment.get(f.line)?.has(f.rule)) return { ...f, ignored: 'comment' as const };
    return run.has(f.rule) ? { ...f, ignored: 'input' as const } : f;
  });
}
