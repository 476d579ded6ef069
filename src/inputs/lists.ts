/**
 * List inputs, parsed exactly as docker/build-push-action parses them
 * (`Util.getList` of @docker/actions-toolkit): each line is a CSV record, so a quoted
 * entry loses its quotes and may hold commas or newlines; without `ignoreComma` every
 * field is an entry, with it a record's fields are joined back with commas. Lines are
 * not comments. Pure.
 */
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

export interface ListOptions {
  ignoreComma?: boolean;
  /** false: `"` is an ordinary character (build-push-action's `outputs`). */
  quote?: false;
  /** false: entries keep their surrounding whitespace. */
  trimWhitespace?: boolean;
}

/** The entries of a list input; `input` only names the input in an error. */
export function parseList(input: string, text: string, o: ListOptions = {}): string[] {
  const trimmed = o.trimWhitespace === false ? text : text.trim();
  if (trimmed === '') return [];
  const entries: string[] = [];
  for (const record of csvRecords(input, trimmed, o)) {
    if (o.ignoreComma) entries.push(record.join(','));
    else entries.push(...(record.length === 1 ? record[0].split(',') : record));
  }
  return entries.filter((e) => e).map((e) => (o.trimWhitespace === false ? e : e.trim()));
}

function csvRecords(input: string, text: string, o: ListOptions): string[][] {
  try {
    return parse(text, { columns: false, relaxQuotes: true, relaxColumnCount: true, skipEmptyLines: true, quote: o.quote === false ? false : '"' });
  } catch (e) {
    // csv-parse quotes the offending text in its messages: keep only where it failed.
    const line = (e as { lines?: number }).lines;
    throw new InputError(
      input,
      `not a valid list (unbalanced double quotes${line ? ` near line ${line}` : ''}); quote an entry as "a,b" and write "" for a literal quote`
    );
  }
}
