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

export function credentialFileKind(rel: string): 'credential' | 'config' | undefined {
  if (CREDENTIAL_FILES.some((re) => re.test(rel))) return 'credential';
  if (CONFIG_FILES.some((re) => re.test(rel))) return 'config';
  return undefined;
}

/**
 * A file named for a token (`GithubToken`, `github_token`, `.token`, `gh-token.txt`): the
 * name's last word is `token`, with no extension or `.txt`. Not `tokenizer.json`,
 * `tokens.css` or `token.go`. Only for files a COPY names outright: as a context walk
 * would also take a directory such as `src/token`.
 */
export function tokenFileName(rel: string): boolean {
  return nameWords((rel.split('/').pop() ?? '').replace(/\.txt$/i, '')).at(-1) === 'token';
}

/** The words of a name, lowercase: split at camelCase humps and at `_`, `-`, `.` (`GithubToken`, `NPM_TOKEN`, `gh-token`). */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[._-]+/)
    .filter(Boolean);
}
