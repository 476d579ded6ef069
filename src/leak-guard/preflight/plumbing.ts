/**
 * Secret plumbing that fails quietly: the build passes, the step runs without the secret.
 * - A secret mounted with `env=` and no `target` is no file (BuildKit mounts the file only
 *   when a target is set or env= is absent), yet the command reads /run/secrets/<id>.
 * - `export TOKEN=$(cat /run/secrets/t)` as a RUN of its own: each RUN is its own shell,
 *   so the variable is gone in the next one.
 */
import { Run } from 'dockerfile-ast';
import { runScript } from './flow.js';
import type { Step } from './model.js';
import { escapeRegExp, secretFile, type MountUse } from './mounts.js';
import { parseScript } from './shell.js';
import type { Finding } from './types.js';

export function brokenPlumbing(steps: Step[], mountsOf: (s: Step) => MountUse[]): Finding[] {
  return steps
    .filter((s) => s.ins instanceof Run)
    .flatMap((step) => {
      const mounts = mountsOf(step).filter((m) => m.type === 'secret' && m.id !== undefined && !m.error);
      const script = runScript(step.ins as Run);
      return [...envWithoutFile(step, mounts, script), ...exportOnly(step, mounts, script)];
    });
}

function envWithoutFile(step: Step, mounts: MountUse[], script: string): Finding[] {
  const files = new Set(mounts.flatMap((m) => (m.target ? [m.target] : [])));
  return mounts
    .filter((m) => m.env && !m.target)
    .map((m) => ({ m, file: secretFile(m.id!) }))
    .filter(({ file }) => !files.has(file) && new RegExp(`${escapeRegExp(file)}(?![\\w.-])`).test(script))
    .map(({ m, file }) => ({
      rule: 'secret-env-without-file' as const,
      severity: 'warning' as const,
      line: step.line,
      message: `${step.onbuild ? 'ONBUILD ' : ''}RUN mounts secret "${m.id}" as the variable ${m.env} only (env= without target=), but reads ${file}: BuildKit mounts no file then, so the command reads nothing; read $${m.env}, or add target=${file}`
    }));
}

function exportOnly(step: Step, mounts: MountUse[], script: string): Finding[] {
  // parseScript reads `export A=b` (and declare, readonly …) as assignments: a RUN of nothing else only sets variables.
  const commands = parseScript(script);
  if (!commands.length || !commands.every((c) => c.words.length === 0 && c.assigns.length > 0)) return [];
  const words = commands.flatMap((c) => c.assigns.map((a) => a.word));
  // The variables each value expands, as the shell reader found them (flow.ts reads them so too).
  const used = mounts.filter((m) =>
    words.some((w) => (m.target !== undefined && w.value.includes(m.target)) || (m.env !== undefined && w.refs.includes(m.env)))
  );
  if (!used.length) return [];
  return [
    {
      rule: 'export-in-own-run',
      severity: 'warning',
      line: step.line,
      message: `${step.onbuild ? 'ONBUILD ' : ''}RUN only sets variables from ${[...new Set(used.map((m) => `secret "${m.id}"`))].join(' and ')}: every RUN is a shell of its own, so they are gone in the next RUN (and that RUN has no secret mounted); mount the secret in the RUN that needs it and read it there`
    }
  ];
}
