/**
 * Commands that store a credential in a file of their own (a tool's config), rather than
 * through a redirect: `git clone https://$TOKEN@…` keeps the URL in .git/config,
 * `npm config set …_authToken` writes ~/.npmrc, and so on. Each entry says where the
 * tool writes, which of its words must carry the credential, and how the same RUN can
 * undo it.
 */
import * as path from 'node:path';
import type { Word } from './shell.js';

export interface Where {
  cwd?: string;
  home?: string;
}

export interface ToolStore {
  /** What stores it, for the message: "git clone", "npm config set". */
  how: string;
  /** The file written; undefined when not known. */
  file?: string;
  /** The words that carry the credential when it is stored (a URL, a value). */
  carriers: Word[];
  /** The tool reads the credential from standard input (`--password-stdin`). */
  stdin?: boolean;
  /** The tool reads the named file as the credential (`--key-file=/run/secrets/x`). */
  readsFiles?: boolean;
}

/** The tool's subcommand words (options dropped) and an option's value (`--x v`, `--x=v`, `-x v`). */
const positional = (ws: Word[]) => ws.filter((w) => !w.value.startsWith('-'));
function option(ws: Word[], ...names: string[]): Word | undefined {
  for (let k = 0; k < ws.length; k++) {
    for (const n of names) {
      if (ws[k].value === n) return ws[k + 1];
      if (ws[k].value.startsWith(`${n}=`)) return { ...ws[k], value: ws[k].value.slice(n.length + 1) };
    }
  }
  return undefined;
}
const has = (ws: Word[], ...names: string[]) => ws.some((w) => names.includes(w.value) || names.some((n) => w.value.startsWith(`${n}=`)));
const at = (dir: string | undefined, file: string) => (dir === undefined ? undefined : path.posix.resolve(dir, file));

/** The command as a tool sees it: `python -m pip …` is pip, `sudo x` is x. */
export function toolWords(words: Word[]): Word[] {
  let ws = words;
  if (ws[0] && /^(sudo|env|nice|exec)$/.test(base(ws[0]))) ws = ws.slice(1).filter((w, k) => k > 0 || !w.value.includes('='));
  if (ws[0] && /^python[0-9.]*$/.test(base(ws[0])) && ws[1]?.value === '-m') ws = ws.slice(2);
  return ws;
}
export const base = (w: Word) => w.value.split('/').pop() ?? '';

/** The store a command makes, when it is one of the tools below. */
export function toolStore(words: Word[], where: Where): ToolStore | undefined {
  const ws = toolWords(words);
  if (!ws[0]) return undefined;
  const name = base(ws[0]);
  const args = ws.slice(1);
  const pos = positional(args).map((w) => w.value);
  const sub = `${pos[0] ?? ''} ${pos[1] ?? ''}`.trim();
  const home = where.home;
  switch (name) {
    case 'git':
      return git(args, where);
    case 'npm':
    case 'pnpm':
      if (!(sub === 'config set' || pos[0] === 'set')) return undefined;
      return {
        how: `${name} config set`,
        file:
          option(args, '--userconfig')?.value ??
          (has(args, '-g', '--global', '--location=global')
            ? '/usr/local/etc/npmrc'
            : has(args, '--location=project') || option(args, '-L')?.value === 'project'
              ? at(where.cwd, '.npmrc')
              : at(home, '.npmrc')),
        carriers: args
      };
    case 'yarn':
      if (sub !== 'config set') return undefined;
      // Yarn 2+ keys start with npm (npmAuthToken); they go to .yarnrc.yml, of the project unless -H.
      return {
        how: 'yarn config set',
        file: /^npm/.test(pos[2] ?? '') ? at(has(args, '-H', '--home') ? home : where.cwd, '.yarnrc.yml') : at(home, '.yarnrc'),
        carriers: args
      };
    case 'dotnet':
      if (!/^nuget (add|update)$/.test(sub) || !has(args, '-p', '--password')) return undefined;
      return {
        how: `dotnet nuget ${pos[1]} source --password`,
        file: option(args, '--configfile')?.value ?? at(home, '.nuget/NuGet/NuGet.Config'),
        carriers: [option(args, '-p', '--password')!]
      };
    case 'pip':
    case 'pip3':
      if (sub !== 'config set') return undefined;
      return {
        how: 'pip config set',
        file: has(args, '--global') ? '/etc/pip.conf' : has(args, '--site') ? undefined : at(home, '.config/pip/pip.conf'),
        carriers: args
      };
    case 'poetry':
      if (pos[0] !== 'config' || !/^(http-basic|pypi-token)\./.test(pos[1] ?? '')) return undefined;
      return { how: 'poetry config', file: has(args, '--local') ? at(where.cwd, 'poetry.toml') : at(home, '.config/pypoetry/auth.toml'), carriers: args };
    case 'composer':
      if (pos[0] !== 'config' || !/^(http-basic|github-oauth|gitlab-token|gitlab-oauth|bitbucket-oauth|bearer)\./.test(pos[1] ?? '')) return undefined;
      return { how: 'composer config', file: has(args, '-g', '--global') ? at(home, '.composer/auth.json') : at(where.cwd, 'auth.json'), carriers: args };
    case 'aws':
      if (sub !== 'configure set') return undefined;
      return { how: 'aws configure set', file: at(home, '.aws/credentials'), carriers: args };
    case 'bundle':
    case 'bundler':
      if (pos[0] !== 'config') return undefined;
      return { how: 'bundle config', file: at(has(args, '--local') ? where.cwd : home, '.bundle/config'), carriers: args };
    case 'cargo':
      if (pos[0] !== 'login') return undefined;
      return { how: 'cargo login', file: at(home, '.cargo/credentials.toml'), carriers: args, stdin: true };
    case 'docker':
    case 'podman':
    case 'helm':
    case 'oras':
      if (!(pos[0] === 'login' || sub === 'registry login' || sub === 'repo add')) return undefined;
      return {
        how: `${name} ${pos[0] === 'login' ? 'login' : sub}`,
        file: at(home, name === 'helm' ? (pos[0] === 'repo' ? '.config/helm/repositories.yaml' : '.config/helm/registry/config.json') : '.docker/config.json'),
        carriers: args,
        stdin: has(args, '--password-stdin')
      };
    case 'gh':
      if (sub !== 'auth login') return undefined;
      return { how: 'gh auth login', file: at(home, '.config/gh/hosts.yml'), carriers: args, stdin: has(args, '--with-token') };
    case 'gcloud':
      if (!/^auth (activate-service-account|login)$/.test(sub)) return undefined;
      // `--key-file=-` reads the key from standard input (`echo "$KEY" | gcloud auth activate-service-account --key-file=-`).
      return { how: `gcloud ${sub}`, file: at(home, '.config/gcloud'), carriers: args, readsFiles: true, stdin: option(args, '--key-file')?.value === '-' };
    case 'huggingface-cli':
    case 'hf':
      if (!(pos[0] === 'login' || sub === 'auth login')) return undefined;
      return { how: `${name} login`, file: at(home, '.cache/huggingface/token'), carriers: args };
    case 'gem':
      if (pos[0] !== 'sources') return undefined;
      return { how: 'gem sources', file: at(home, '.gemrc'), carriers: args };
    case 'kubectl':
      if (sub !== 'config set-credentials') return undefined;
      return { how: 'kubectl config set-credentials', file: at(home, '.kube/config'), carriers: args };
    case 'mix':
      // Hex keeps organization and repository keys in its config (HEX_HOME, else ~/.hex).
      if (!['hex.organization auth', 'hex.repo add'].includes(sub)) return undefined;
      return { how: `mix ${sub}`, file: at(home, '.hex/hex.config'), carriers: args };
    case 'go':
      if (sub !== 'env' || !has(args, '-w')) return undefined;
      return { how: 'go env -w', file: at(home, '.config/go/env'), carriers: args };
    default:
      return undefined;
  }
}

/** git clone and git remote add keep the URL (with what it embeds) in .git/config; git config writes the file it is told. */
function git(args: Word[], where: Where): ToolStore | undefined {
  // `git -C dir …` and `git -c k=v …` come before the subcommand.
  let k = 0;
  let cwd = where.cwd;
  while (args[k]?.value.startsWith('-')) {
    if (args[k].value === '-C') cwd = at(cwd, args[k + 1]?.value ?? '.');
    k += ['-C', '-c'].includes(args[k].value) ? 2 : 1;
  }
  const sub = args[k]?.value;
  const rest = args.slice(k + 1);
  if (sub === 'clone') {
    const valued = [
      '-b',
      '--branch',
      '--depth',
      '-o',
      '--origin',
      '-c',
      '--config',
      '--reference',
      '--separate-git-dir',
      '-j',
      '--jobs',
      '-u',
      '--upload-pack',
      '--shallow-since',
      '--shallow-exclude'
    ];
    const pos = rest.filter((w, j) => !w.value.startsWith('-') && !valued.includes(rest[j - 1]?.value ?? ''));
    const url = pos[0];
    if (!url) return undefined;
    const dir = pos[1]?.value ?? path.posix.basename(url.value.replace(/[#?].*$/, '').replace(/\/+$/, '')).replace(/\.git$/, '');
    return { how: 'git clone', file: at(at(cwd, dir), '.git/config'), carriers: [url] };
  }
  if (sub === 'remote' && rest[0]?.value === 'add' && rest[2]) return { how: 'git remote add', file: at(cwd, '.git/config'), carriers: [rest[2]] };
  if (sub === 'config' && !has(rest, '--unset', '--unset-all', '--remove-section', '--get', '--get-all', '-l', '--list')) {
    const file = option(rest, '-f', '--file')?.value;
    const where2 = file
      ? at(cwd, file)
      : has(rest, '--global')
        ? at(where.home, '.gitconfig')
        : has(rest, '--system')
          ? '/etc/gitconfig'
          : at(cwd, '.git/config');
    return { how: 'git config', file: where2, carriers: rest };
  }
  return undefined;
}

/** A later command of the same RUN that takes the stored credential out again (besides rm of the file). */
export function undoes(store: ToolStore, words: Word[]): boolean {
  const ws = toolWords(words).map((w) => w.value);
  const line = ws.join(' ');
  const tool = store.how.split(' ')[0];
  if (base({ value: ws[0] ?? '', refs: [], subs: [] }) !== tool) return false;
  if (tool === 'git') return /\bremote (set-url|remove|rm)\b|\bconfig\b.*--(unset|unset-all|remove-section)\b/.test(line);
  return /(^| )(--unset|unset|delete|rm|remove|logout)( |$)/.test(line.slice(ws[0].length));
}
