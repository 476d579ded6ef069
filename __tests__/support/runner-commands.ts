/**
 * A model of the runner's workflow-command parser (actions/runner ActionCommandManager):
 * a line starting with `::` after trimming (v2), or `##[` anywhere in a line (v1); LF, CRLF
 * or a bare CR ends a line; `::stop-commands::<token>` turns commands off until `::<token>::`.
 */
export interface Command {
  name: string;
  data: string;
}

/** The commands the runner would act on in `out`, with their data unescaped. */
export function runnerCommands(out: string): Command[] {
  const commands: Command[] = [];
  let fence: string | undefined;
  for (const raw of out.split(/\r\n|\n|\r/)) {
    const line = raw.trim();
    if (fence !== undefined) {
      if (line === `::${fence}::`) fence = undefined;
      continue;
    }
    const v2 = /^::([^\s:]+)(?: [^:]*)?::(.*)$/s.exec(line);
    if (v2) {
      if (v2[1] === 'stop-commands') fence = v2[2];
      else commands.push({ name: v2[1], data: v2[2].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%') });
      continue;
    }
    const v1 = /##\[([^\]\s;]+)/.exec(line);
    if (v1) commands.push({ name: v1[1], data: line });
  }
  return commands;
}
