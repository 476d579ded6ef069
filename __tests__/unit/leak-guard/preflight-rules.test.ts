/**
 * The preflight's rules, one describe per class of issue 12 (missed risks, mount parsing
 * that differed from BuildKit, false positives), each with cases that must be reported
 * and cases that must stay quiet.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { plausiblySecret, preflight, type PreflightInput } from '../../../src/leak-guard/preflight/index.js';
import { csvFields, flagWord } from '../../../src/leak-guard/preflight/mounts.js';
import { Redactor } from '../../../src/detection/redactor.js';

const base: Omit<PreflightInput, 'dockerfile'> = {
  providedIds: [],
  contextSecretFiles: [],
  allowMissingOptional: false,
  redactor: Redactor.exact([{ bytes: Buffer.from('Secret-Value-123'), tag: 'tok' }])
};
/** Findings as `severity@line`, with the message for matching. */
function check(dockerfile: string, over: Partial<PreflightInput> = {}) {
  return preflight({ ...base, dockerfile, ...over }).map((f) => ({ at: `${f.severity}@${f.line ?? '-'}`, message: f.message }));
}
const at = (dockerfile: string, over: Partial<PreflightInput> = {}) => check(dockerfile, over).map((f) => f.at);
/** Findings whose message matches. */
const matching = (re: RegExp, dockerfile: string, over: Partial<PreflightInput> = {}) =>
  check(dockerfile, over)
    .filter((f) => re.test(f.message))
    .map((f) => f.at);
const df = (...lines: string[]) => lines.join('\n');

describe('missed: env= secret mounts', () => {
  const given = { providedIds: ['npm'] };
  test.each([
    ['echo "//r/:_authToken=$NPM_TOKEN" >> .npmrc', ['error@2']],
    ['printf "%s" "${NPM_TOKEN}" > /root/token && npm ci', ['error@2']],
    ['echo "//r/:_authToken=$NPM_TOKEN" > .npmrc && npm ci && rm .npmrc', ['notice@2']],
    ['npm ci', []],
    ["echo '//r/:_authToken=${NPM_TOKEN}' > .npmrc && npm ci", []],
    ['echo "//r/:_authToken=\\${NPM_TOKEN}" > .npmrc && npm ci', []],
    ['curl -H "Authorization: Bearer $NPM_TOKEN" https://x/y.tgz > y.tgz', []]
  ])('RUN %s', (cmd, want) => {
    expect(matching(/writes/, df('FROM node', `RUN --mount=type=secret,id=npm,env=NPM_TOKEN ${cmd}`), given)).toEqual(want);
  });
  test('the /run/secrets path is not mounted with env= alone, and an unquoted here-doc expands the variable', () => {
    const text = df('FROM node', 'RUN --mount=type=secret,id=npm,env=T <<EOF', 'cat > /root/.npmrc <<EOT', '//r/:_authToken=${T}', 'EOT', 'EOF');
    expect(matching(/writes/, text, given)).toEqual(['error@2']);
    const quoted = df('FROM node', "RUN --mount=type=secret,id=npm,env=T cat > /root/.npmrc <<'EOT'", '//r/:_authToken=${T}', 'EOT');
    expect(matching(/writes/, quoted, given)).toEqual([]);
  });
});

describe('missed: tokens stored by the tools themselves', () => {
  const given = { providedIds: ['gh'] };
  const mount = 'RUN --mount=type=secret,id=gh,env=GH_TOKEN';
  test.each([
    ['git clone https://$GH_TOKEN@github.com/acme/lib.git', /into \/src\/lib\/\.git\/config, by git clone/],
    ['git clone --depth 1 https://x:${GH_TOKEN}@github.com/acme/lib /opt/lib', /into \/opt\/lib\/\.git\/config, by git clone/],
    ['git config --global url."https://${GH_TOKEN}@github.com/".insteadOf "https://github.com/"', /into \/root\/\.gitconfig, by git config/],
    ['npm config set //npm.pkg.github.com/:_authToken "$GH_TOKEN"', /\/root\/\.npmrc, by npm config set/],
    ['dotnet nuget add source https://n/x.json -n x -u u -p "$GH_TOKEN" --store-password-in-clear-text', /NuGet\.Config, by dotnet nuget add source/],
    ['pip config set global.index-url "https://u:$GH_TOKEN@pypi.acme/simple"', /pip\.conf, by pip config set/],
    ['poetry config http-basic.acme u "$GH_TOKEN"', /auth\.toml, by poetry config/],
    ['composer config --global github-oauth.github.com "$GH_TOKEN"', /auth\.json, by composer config/],
    ['aws configure set aws_secret_access_key "$GH_TOKEN"', /\.aws\/credentials, by aws configure set/],
    ['echo "$GH_TOKEN" | docker login ghcr.io -u x --password-stdin', /config\.json, by docker login/],
    ['cat /run/secrets/gh | gh auth login --with-token', /hosts\.yml, by gh auth login/],
    ['huggingface-cli login --token $GH_TOKEN', /huggingface\/token, by huggingface-cli login/]
  ])('%s', (cmd, where) => {
    const text = df('FROM alpine', 'WORKDIR /src', cmd.startsWith('cat /run') ? `RUN --mount=type=secret,id=gh ${cmd}` : `${mount} ${cmd}`);
    const found = check(text, given).filter((f) => /writes/.test(f.message));
    expect(found.map((f) => f.at)).toEqual(['error@3']);
    expect(found[0].message).toMatch(where);
  });
  test.each([
    ['git clone https://$GH_TOKEN@github.com/acme/lib.git && make -C lib && rm -rf lib', 'notice@3'],
    ['git clone https://$GH_TOKEN@github.com/acme/lib.git && cd lib && git remote set-url origin https://github.com/acme/lib.git', 'notice@3'],
    ['npm config set //r/:_authToken "$GH_TOKEN" && npm ci && npm config delete //r/:_authToken', 'notice@3'],
    ['git config --global url."https://${GH_TOKEN}@github.com/".insteadOf https://github.com/ && go mod download && rm ~/.gitconfig', 'notice@3']
  ])('undone in the same RUN: %s', (cmd, want) => {
    expect(matching(/writes/, df('FROM alpine', 'WORKDIR /src', `${mount} ${cmd}`), given)).toEqual([want]);
  });
  test.each([
    'git clone https://github.com/acme/lib.git',
    'GIT_ASKPASS=/bin/askpass git clone https://github.com/acme/lib.git',
    'npm config set registry https://r/',
    "git config --global credential.helper '!f() { echo password=$(cat /run/secrets/gh); }; f'",
    'pip install git+https://$GH_TOKEN@github.com/acme/lib.git'
  ])('quiet: %s', (cmd) => {
    expect(matching(/writes/, df('FROM alpine', `${mount} ${cmd}`), given)).toEqual([]);
  });
});

describe('missed: credential files copied from the build context', () => {
  test.each([
    ['COPY .netrc /root/.netrc', ['error@2']],
    ['COPY ["id_rsa", "/root/.ssh/id_rsa"]', ['error@2']],
    ['ADD .env.production /app/', ['error@2']],
    ['COPY .env.example /app/', []],
    ['COPY .npmrc package.json /app/', []],
    ['COPY id_rsa.pub /root/.ssh/', []],
    ['COPY .env.vault ./', []],
    ['COPY ./.ssh/ /root/.ssh/', ['error@2']],
    ['COPY keys/deploy /root/.ssh/id_rsa', ['error@2']],
    ['COPY keys/deploy /root/.ssh/', []],
    ['ARG GCP_SA_KEY\nCOPY $GCP_SA_KEY key.json', ['error@3']]
  ])('%s (context not read)', (line, want) => {
    expect(matching(/credential file/, df('FROM node', line))).toEqual(want);
  });
  const files = [
    { relPath: '.env', ignored: false, literal: true },
    { relPath: '.npmrc', ignored: false, literal: true },
    { relPath: 'conf/.npmrc', ignored: false, literal: false },
    { relPath: 'keys/id_ed25519', ignored: true, literal: true }
  ];
  test('COPY . (shell and JSON form) takes in the files the context holds, unless ignored or only referencing ${VAR}', () => {
    const found = check(df('FROM node', 'COPY [".", "/app"]', 'COPY conf/ /conf/'), { contextCredentialFiles: files }).filter((f) =>
      /credential file/.test(f.message)
    );
    expect(found.map((f) => f.at)).toEqual(['error@2', 'error@2']);
    expect(found.map((f) => f.message.split(' ')[5])).toEqual(['.env', '.npmrc']);
  });
  test('an intermediate stage that no COPY --from takes from: warning', () => {
    const text = df('FROM node AS build', 'WORKDIR /app', 'COPY . .', 'RUN npm run build', 'FROM nginx', 'COPY --from=build /app/dist /usr/share/nginx/html');
    expect(matching(/credential file/, text, { contextCredentialFiles: files })).toEqual(['warning@3', 'warning@3']);
  });
});

describe('missed: credential-named ARGs written into files, every name of ARG a b c', () => {
  test('the write of an ARG is reported by where it goes, besides the name', () => {
    const text = df('FROM node', 'ARG NPM_TOKEN', 'RUN echo "//r/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm ci');
    expect(at(text)).toEqual(['warning@2', 'error@3']);
    expect(check(text)[1].message).toMatch(/RUN writes NPM_TOKEN \(a credential-named variable\) into ~\/\.npmrc/);
  });
  test('used and removed in the same RUN: notice', () => {
    expect(at(df('FROM node', 'ARG NPM_TOKEN', 'RUN echo "t=${NPM_TOKEN}" > .npmrc && npm ci && rm -f .npmrc'))).toEqual(['warning@2', 'notice@3']);
  });
  test('ARG a b c: each name is read', () => {
    expect(matching(/looks like a credential/, df('FROM b', 'ARG VERSION GITHUB_TOKEN=x DB_PASSWORD'))).toEqual(['warning@2', 'warning@2']);
    expect(check(df('FROM b', 'ARG VERSION GITHUB_TOKEN=x DB_PASSWORD')).map((f) => f.message.split(' ')[1])).toEqual(['GITHUB_TOKEN', 'DB_PASSWORD']);
  });
  test('ENV set from a credential ARG puts it in the image config: error in the final image, warning in a stage it does not reach', () => {
    expect(at(df('FROM node', 'ARG NPM_TOKEN', 'ENV NODE_AUTH_TOKEN=$NPM_TOKEN'))).toEqual(['warning@2', 'error@3']);
    expect(at(df('FROM node AS b', 'ARG NPM_TOKEN', 'ENV NODE_AUTH_TOKEN=${NPM_TOKEN}', 'FROM node', 'COPY --from=b /app /app'))).toEqual([
      'warning@2',
      'warning@3'
    ]);
    expect(at(df('FROM node', 'ARG NPM_REGISTRY', 'ENV REGISTRY=$NPM_REGISTRY'))).toEqual([]);
  });
  test('a credential-named variable the Dockerfile does not declare is followed too, as a warning: it expands to nothing or to the base image value', () => {
    const text = df('FROM node', 'RUN echo "//r/:_authToken=${NPM_TOKEN}" > /root/.npmrc');
    expect(at(text)).toEqual(['warning@2']);
    expect(check(text)[0].message).toMatch(/no ARG or ENV of the Dockerfile declares NPM_TOKEN/);
    // Declared anywhere (an ARG, an ENV, a global ARG): the write is weighed by where it goes again.
    expect(at(df('FROM node', 'ARG NPM_TOKEN', 'RUN echo "//r/:_authToken=${NPM_TOKEN}" > /root/.npmrc'))).toEqual(['warning@2', 'error@3']);
    expect(at(df('FROM node', 'ENV NPM_TOKEN=', 'RUN echo "//r/:_authToken=${NPM_TOKEN}" > /root/.npmrc'))).toEqual(['notice@2', 'error@3']);
    // A shell variable set from a command the preflight cannot read is the script's own: still an error.
    expect(at(df('FROM node', 'RUN NPM_TOKEN=$(cat /tok) && echo "//r/:_authToken=${NPM_TOKEN}" > /root/.npmrc'))).toEqual(['error@2']);
  });
  test('a file an earlier RUN wrote a credential into holds it for the later steps', () => {
    const text = df('FROM alpine', 'ARG TOKEN', 'RUN echo ${TOKEN} > .env', 'RUN gh auth login --with-token < .env');
    expect(at(text)).toEqual(['warning@2', 'error@3', 'error@4']);
    expect(at(df('FROM alpine', 'ARG TOKEN', 'RUN echo ${TOKEN} > .env && rm .env', 'RUN gh auth login --with-token < .env'))).toEqual([
      'warning@2',
      'notice@3'
    ]);
  });
  test('several writes of one RUN into one file are one finding', () => {
    const text = df(
      'FROM a AS b',
      'RUN --mount=type=secret,id=u --mount=type=secret,id=k echo U=$(cat /run/secrets/u) >> .env && echo K=$(cat /run/secrets/k) >> .env',
      'FROM c'
    );
    const found = check(text, { providedIds: ['u', 'k'] });
    expect(found.map((f) => f.at)).toEqual(['warning@2']);
    expect(found[0].message).toMatch(/"u" and the mounted secret "k" into \.env/);
  });
  test('a non-credential ARG written to a file is not a leak', () => {
    expect(at(df('FROM node', 'ARG REGISTRY', 'RUN echo "registry=$REGISTRY" > .npmrc'))).toEqual([]);
  });
});

describe('missed (synthetic corpus): LABEL and ADD URLs take a credential variable into the image', () => {
  test('LABEL from a credential ARG is in the image config: error in the final image, warning in a stage it does not reach', () => {
    expect(at(df('FROM a', 'ARG NPM_TOKEN', 'LABEL registry.auth=$NPM_TOKEN'))).toEqual(['warning@2', 'error@3']);
    expect(check(df('FROM a', 'ARG NPM_TOKEN', 'LABEL registry.auth=$NPM_TOKEN'))[1].message).toMatch(/^LABEL registry\.auth takes NPM_TOKEN/);
    expect(at(df('FROM a AS b', 'ARG NPM_TOKEN', 'LABEL x="${NPM_TOKEN}"', 'FROM c'))).toEqual(['warning@2', 'warning@3']);
    expect(at(df('FROM a', 'ARG VERSION', 'LABEL version=$VERSION token.note=none'))).toEqual([]);
  });
  test('ADD of a URL with a credential ARG: BuildKit records the expanded URL in the history', () => {
    expect(at(df('FROM a', 'ARG TOKEN', 'ADD https://u:${TOKEN}@h.example/f.tgz /f.tgz'))).toEqual(['warning@2', 'error@3']);
    expect(at(df('FROM a AS b', 'ARG TOKEN', 'ADD https://h.example/f.tgz?t=$TOKEN /f.tgz', 'FROM c'))).toEqual(['warning@2', 'warning@3']);
    // A variable that is the whole source holds a path, not a credential.
    expect(at(df('FROM a', 'ARG SA_KEY', 'ADD $SA_KEY /key.json'))).toEqual(['error@3']);
    expect(at(df('FROM a', 'ARG REPO', 'ADD https://h.example/$REPO.tgz /r.tgz'))).toEqual([]);
  });
});

describe('missed (synthetic corpus): a credential file copied onward', () => {
  const given = { providedIds: ['t'] };
  test('within one RUN: a file written, then copied; the copy is reported by where it goes', () => {
    const text = df(
      'FROM a AS b',
      'RUN --mount=type=secret,id=t cat /run/secrets/t > /tmp/t && cp /tmp/t /out/t && rm /tmp/t',
      'FROM c',
      'COPY --from=b /out /out'
    );
    expect(at(text, given)).toEqual(['notice@2', 'error@2']);
    expect(check(text, given)[1].message).toMatch(/into \/out\/t, by cp: it ends up in the final image/);
  });
  test('mv: the destination holds it, the source is gone', () => {
    expect(at(df('FROM a', 'RUN --mount=type=secret,id=t cat /run/secrets/t > /tmp/t && mv /tmp/t /srv/t'), given)).toEqual(['notice@2', 'error@2']);
    const later = df('FROM a AS b', 'RUN --mount=type=secret,id=t cat /run/secrets/t > /tmp/t', 'RUN mv /tmp/t /out/t', 'FROM c', 'COPY --from=b /out /o');
    expect(at(later, given)).toEqual(['warning@2', 'error@3']);
  });
  test('a directory holding a mounted secret or a written file, copied: cp -r, rsync', () => {
    expect(at(df('FROM a', 'RUN --mount=type=secret,id=t,target=/root/.aws/credentials cp -r /root/.aws /srv/aws'), given)).toEqual(['error@2']);
    expect(at(df('FROM a', 'RUN --mount=type=secret,id=t cat /run/secrets/t > /w/t', 'RUN rsync -a /w/ /srv/w/'), given)).toEqual(['error@2', 'error@3']);
    expect(at(df('FROM a', 'RUN --mount=type=secret,id=t,target=/srv/.npmrc npm ci && cp -r /srv/node_modules /out'), given)).toEqual([]);
  });
});

describe('missed (synthetic corpus): a credential written into a cache mount', () => {
  test('cache: warning (the builder keeps it for later builds); tmpfs: notice; removed in the same RUN: notice', () => {
    const given = { providedIds: ['t'] };
    const cache = df('FROM a', 'RUN --mount=type=cache,target=/c --mount=type=secret,id=t cp /run/secrets/t /c/t && make');
    expect(at(cache, given)).toEqual(['warning@2']);
    expect(check(cache, given)[0].message).toMatch(/on a cache mount: the builder keeps it/);
    expect(at(df('FROM a', 'RUN --mount=type=cache,target=/c --mount=type=secret,id=t cp /run/secrets/t /c/t && make && rm /c/t'), given)).toEqual([
      'notice@2'
    ]);
    expect(at(df('FROM a', 'RUN --mount=type=tmpfs,target=/c --mount=type=secret,id=t cp /run/secrets/t /c/t && make'), given)).toEqual(['notice@2']);
  });
});

describe('missed (synthetic corpus): a mounted secret printed to the build output', () => {
  const given = { providedIds: ['t'] };
  test.each([
    ['cat /run/secrets/t', ['warning@2']],
    ['T=$(cat /run/secrets/t) && echo "$T"', ['warning@2']],
    ['cat /run/secrets/t | base64', ['warning@2']],
    ['echo "$(cat /run/secrets/t)" >&2', ['warning@2']],
    ['cat /run/secrets/t > /dev/null', []],
    ['cat /run/secrets/t | docker login -u u --password-stdin r.example', ['error@2']],
    ['grep -q x /run/secrets/t && make', []],
    ['sed -i "s/X/$(cat /run/secrets/t)/" /tmp/c && make && rm /tmp/c', ['notice@2']],
    ['export T=$(cat /run/secrets/t) && npm run build', []]
  ])('RUN %s', (cmd, want) => {
    expect(at(df('FROM a', `RUN --mount=type=secret,id=t ${cmd}`), given)).toEqual(want);
  });
  test('an env= secret echoed; one finding per RUN', () => {
    const found = check(df('FROM a', 'RUN --mount=type=secret,id=t,env=T echo $T && echo "again $T"'), given);
    expect(found.map((f) => f.at)).toEqual(['warning@2']);
    expect(found[0].message).toMatch(/^RUN prints the mounted secret "t" to the build output/);
  });
});

describe('missed (synthetic corpus): a context file whose name says nothing, read by a tool as its credential', () => {
  test.each([
    ['COPY hub_login .', 'RUN cat hub_login | xargs huggingface-cli login --token', ['error@2', 'error@3']],
    ['COPY ci/tok /tmp/tok', 'RUN gh auth login --with-token < /tmp/tok', ['error@2', 'error@3']],
    ['COPY sa.json /sa.json', 'RUN gcloud auth activate-service-account --key-file /sa.json', ['error@2', 'error@3']],
    ['COPY feed.txt .', 'RUN dotnet nuget add source https://n/x.json -u u -p "$(cat feed.txt)" --store-password-in-clear-text', ['error@2', 'error@3']],
    ['COPY url.txt .', 'RUN git clone "$(cat url.txt)" /src', []],
    ['COPY config.json .', 'RUN cat config.json > /etc/app.json && cat config.json | xargs echo', []],
    ['COPY registry.txt .', 'RUN npm config set registry "$(cat registry.txt)"', []]
  ])('%s; %s', (copy, run, want) => {
    const found = check(df('FROM a', copy, run));
    expect(found.map((f) => f.at).sort()).toEqual(want);
    if (want.length) expect(found.find((f) => f.at === 'error@2')!.message).toMatch(/read as a credential by /);
  });
});

describe('missed: ONBUILD triggers', () => {
  test('an ONBUILD RUN that writes a mounted secret: a warning about the images built FROM this one (it runs there); its id is not required by this build', () => {
    const text = df('FROM node', 'ONBUILD RUN --mount=type=secret,id=npm cp /run/secrets/npm /root/.npmrc');
    expect(check(text).map((f) => f.at)).toEqual(['warning@2']);
    expect(check(text)[0].message).toMatch(/^ONBUILD RUN writes the mounted secret "npm".*runs in the builds FROM this image/);
    expect(at(text, { providedIds: ['npm'] })).toEqual(['warning@2']);
  });
  test('ONBUILD ARG and ENV of credential names: warnings about the child images; ONBUILD ENV from a credential ARG too', () => {
    expect(at(df('FROM node', 'ONBUILD ARG NPM_TOKEN'))).toEqual(['warning@2']);
    expect(check(df('FROM node', 'ONBUILD ARG NPM_TOKEN'))[0].message).toMatch(/^ONBUILD \(in the builds FROM this image\) ARG NPM_TOKEN/);
    expect(at(df('FROM node', 'ONBUILD ARG NPM_TOKEN', 'ONBUILD ENV NODE_AUTH_TOKEN=$NPM_TOKEN'))).toEqual(['warning@2', 'warning@3']);
    expect(at(df('FROM node', 'ONBUILD ENV API_SECRET=Zq8vR2mK4tLp9xWc'))).toEqual(['warning@2']);
  });
  test('an ONBUILD trigger that reads the secret where needed: quiet; an invalid one: warning', () => {
    expect(at(df('FROM node', 'ONBUILD RUN --mount=type=secret,id=npm,env=T npm ci'))).toEqual([]);
    expect(at(df('FROM node', 'ONBUILD RUN --mount=type=secret,from=x,id=npm npm ci'))).toEqual(['warning@2']);
  });
});

describe('missed: writes followed into the final image through COPY --from', () => {
  const write = 'RUN --mount=type=secret,id=t cat /run/secrets/t > /app/.token && make';
  test.each<[string, string[], string, string]>([
    ['the write is in the final stage', ['FROM a', 'WORKDIR /app', write], 'error@3', ''],
    ['the final stage derives from the stage', ['FROM a AS b', write, 'FROM b'], 'error@2', ''],
    ['COPY --from copies its directory', ['FROM a AS b', write, 'FROM c', 'COPY --from=b /app /srv'], 'error@2', ''],
    ['COPY --from=<index> copies /', ['FROM a', write, 'FROM c', 'COPY --from=0 / /'], 'error@2', ''],
    [
      'through a chain of stages',
      ['FROM a AS b', write, 'FROM c AS d', 'COPY --from=b /app /x', 'FROM e', 'COPY --chown=1 --from=d /x/.token /t'],
      'error@2',
      ''
    ],
    ['COPY --from copies something else', ['FROM a AS b', write, 'FROM c', 'COPY --from=b /app/bin /bin'], 'warning@2', ''],
    ['the chain drops it', ['FROM a AS b', write, 'FROM c AS d', 'COPY --from=b /app /x', 'FROM e', 'COPY --from=d /x/bin /bin'], 'warning@2', ''],
    ['the last stage copies it, no target', ['FROM a AS b', 'RUN true', 'FROM c AS d', write, 'FROM e', 'COPY --from=d / /'], 'error@4', ''],
    ['the target input names an earlier stage', ['FROM a AS b', 'RUN true', 'FROM c AS d', write, 'FROM e', 'COPY --from=d / /'], 'warning@4', 'b']
  ])('%s', (_name, lines, want, target) => {
    expect(matching(/writes/, df(...lines), { providedIds: ['t'], target: target || undefined })).toEqual([want]);
  });
});

describe('parsing as BuildKit does (commands_runmount.go, convert_secrets.go)', () => {
  const ids = (line: string, over: Partial<PreflightInput> = {}) =>
    check(df('FROM a', line), { providedIds: ['other'], ...over })
      .filter((f) => /mounts secret/.test(f.message))
      .map((f) => `${f.at} ${/"([^"]*)"/.exec(f.message)![1]}`);
  test.each([
    ['RUN --mount=type=secret,target=/root/.npmrc npm ci', ['error@2 .npmrc']],
    ['RUN --mount=type=secret,src=npm,target=/x npm ci', ['error@2 npm']],
    ['RUN --mount=type=secret,source=npm npm ci', ['error@2 npm']],
    ['RUN --mount=Type=Secret,ID=npm npm ci', ['error@2 npm']],
    ['RUN --mount=type=secret,dst=/k/key npm ci', ['error@2 key']],
    ['RUN --mount=type=secret,destination=/k/key npm ci', ['error@2 key']],
    ['RUN --mount="type=secret,id=npm" npm ci', ['error@2 npm']],
    ['RUN --mount=type=cache,id=npm,target=/root/.npm npm ci', []]
  ])('%s', (line, want) => expect(ids(line)).toEqual(want));
  test.each(['required=false', 'required=False', 'required=0', 'required=f'])('%s is not required', (req) => {
    expect(ids(`RUN --mount=type=secret,id=npm,${req} npm ci`, { allowMissingOptional: true })).toEqual([]);
    expect(ids(`RUN --mount=type=secret,id=npm,required=true npm ci`, { allowMissingOptional: true })).toEqual(['error@2 npm']);
    expect(ids(`RUN --mount=type=secret,id=npm,required npm ci`, { allowMissingOptional: true })).toEqual(['error@2 npm']);
  });
  test('an id from an ARG is expanded where its value is known', () => {
    const text = df('ARG SECRET_ID=npm', 'FROM a', 'ARG SECRET_ID', 'RUN --mount=type=secret,id=$SECRET_ID npm ci');
    expect(at(text, { providedIds: ['npm'] })).toEqual([]);
    expect(at(text, { providedIds: ['other'] })).toEqual(['error@4', 'warning@-']);
    expect(at(text, { providedIds: ['other'], buildArgs: { SECRET_ID: 'other' } })).toEqual([]);
  });
  test('an id from an unknown ARG matches by pattern, and does not silence the unused check of other ids', () => {
    const text = df('FROM a', 'ARG ENV', 'RUN --mount=type=secret,id=${ENV}_npm npm ci');
    expect(at(text, { providedIds: ['prod_npm'] })).toEqual([]);
    expect(matching(/is given but no RUN/, text, { providedIds: ['prod_npm', 'aws'] })).toEqual(['warning@-']);
  });
  test.each([
    ['type=secret', 'invalid secret mount. one of source, target required'],
    ['type=secret,id=a,src=b', "both source and id can't be set"],
    ['type=secret,id=a,from=x', 'secret mount should not have a from'],
    ['type=secret,id=a,required=maybe', 'invalid value for required: maybe'],
    ['type=bind,required=true', "unexpected key 'required' for mount type 'bind'"],
    ['required,type=secret,id=a', "unexpected key 'required' for mount type 'bind'"],
    ['type=sekret,id=a', 'unsupported mount type "sekret"'],
    ['type=secret,id=a,colour=red', "unexpected key 'colour' in 'colour=red'"],
    ['type=secret,id=a,mode=999', 'invalid value 999 for mode'],
    ['type=ssh,src=a', 'ssh does not support source'],
    ['type=tmpfs,target=/t,uid=1', 'uid not allowed for "tmpfs" type mounts']
  ])('invalid: --mount=%s', (mount, why) => {
    const found = check(df('FROM a', `RUN --mount=${mount} true`), { providedIds: ['a'] }).filter((f) => /invalid/.test(f.message));
    expect(found).toEqual([{ at: 'error@2', message: `RUN --mount is invalid, BuildKit refuses it: ${why}` }]);
  });
  test('`--mount type=…` (a blank, not `=`) is refused with the message BuildKit gives', () => {
    const found = check(df('FROM a', 'RUN --mount type=secret,id=a true'), { providedIds: ['a'] }).filter((f) => /invalid/.test(f.message));
    expect(found).toEqual([{ at: 'error@2', message: 'RUN --mount is invalid, BuildKit refuses it: missing a value on flag: --mount' }]);
  });
  test('flag words and CSV fields as BuildKit reads them', () => {
    expect(flagWord('"type=secret,id=a"')).toBe('type=secret,id=a');
    expect(csvFields('type=secret,"target=/a,b"')).toEqual(['type=secret', 'target=/a,b']);
    expect(() => csvFields('type=secret,ta"rget=/a')).toThrow('bare " in non-quoted-field');
  });
  test('ssh: default id, explicit id, required', () => {
    expect(at(df('FROM a', 'RUN --mount=type=ssh,ID=deploy,Required=1 git clone x'), { providedSshIds: ['default'] })).toEqual(['error@2', 'warning@-']);
  });
});

describe('false positives', () => {
  test('a value passed as a secret that does not look secret, in a LABEL: warning, not error', () => {
    const redactor = Redactor.exact([
      { bytes: Buffer.from('octocat'), tag: 'actor' },
      { bytes: Buffer.from('Secret-Value-123'), tag: 'tok' }
    ]);
    const over = { redactor, plausibleSecretIds: ['tok'], providedIds: [] };
    expect(at(df('FROM a', 'LABEL org.opencontainers.image.authors=octocat'), over)).toEqual(['warning@2']);
    expect(at(df('FROM a', 'LABEL x=Secret-Value-123'), over)).toEqual(['error@2']);
  });
  test.each([
    ['octocat', false],
    ['dependabot[bot]', false],
    ['registry.example.com', false],
    ['hunter22', false],
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a', true],
    ['0123456789abcdef0123456789abcdef', true],
    ['Passw0rd', true],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n', true]
  ])('plausiblySecret(%j) = %s', (v, want) => expect(plausiblySecret(Buffer.from(v))).toBe(want));
  test('write a config, use it, remove it in the same RUN: notice only', () => {
    const text = df(
      'FROM golang',
      'RUN --mount=type=secret,id=t echo "machine github.com password $(cat /run/secrets/t)" > ~/.netrc && go mod download && rm ~/.netrc'
    );
    expect(at(text, { providedIds: ['t'] })).toEqual(['notice@2']);
  });
  test("a command's own output redirected next to $(cat /run/secrets/x) is not the secret", () => {
    const text = df('FROM a', 'RUN --mount=type=secret,id=t curl -fsS -H "Authorization: Bearer $(cat /run/secrets/t)" https://x/a.tgz > /a.tgz');
    expect(at(text, { providedIds: ['t'] })).toEqual([]);
    const printed = df('FROM a', 'RUN --mount=type=secret,id=t echo "Bearer $(cat /run/secrets/t)" > /auth');
    expect(at(printed, { providedIds: ['t'] })).toEqual(['error@2']);
  });
  test.each([
    ['ARG NPM_TOKEN_FILE=/run/secrets/npm', []],
    ['ARG PUBLIC_KEY', []],
    ['ARG GO_VERSION', []],
    ['ARG AUTH_SECRET=npm\nRUN --mount=type=secret,id=$AUTH_SECRET npm ci', []],
    ['ENV GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp', []],
    ['ARG GITHUB_TOKEN', ['warning@2']],
    ['ARG TOKEN_NAME_PREFIX', ['warning@2']],
    ['ARG LBHPACKAGESTOKEN', ['warning@2']],
    ['ARG TOKENIZER', []]
  ])('credential names: %s', (lines, want) => {
    expect(matching(/looks like a credential/, df('FROM a', lines), { providedIds: ['npm'] })).toEqual(want);
  });
  test('one missing id used in several RUNs: a finding on each line, the line to fix is each of them', () => {
    const found = check(df('FROM a', 'RUN --mount=type=secret,id=npm npm ci', 'RUN --mount=type=secret,id=npm npm test'));
    expect(found.map((f) => f.at)).toEqual(['error@2', 'error@3']);
    expect(found[0].message).toBe(found[1].message);
  });
  test('COPY . . then COPY .env.production ./.env: the second line is reported, with its own finding', () => {
    const text = df('FROM node', 'WORKDIR /app', 'COPY . .', 'COPY .env.production ./.env', 'COPY .env.production /srv/.env');
    expect(at(text)).toEqual(['error@4', 'error@5']);
  });
});

describe('held-out corpus (43 real files not used to write the rules)', () => {
  test('ENV from a credential name that is not an ARG of the stage: the name warning, not an error (it expands to nothing)', () => {
    expect(at(df('FROM a', 'ENV OPENAI_API_KEY=${OPENAI_API_KEY}'))).toEqual(['warning@2']);
    // A global ARG is in scope only where the stage declares it again.
    expect(at(df('ARG NPM_TOKEN', 'FROM a', 'ENV NPM_TOKEN=$NPM_TOKEN'))).toEqual(['warning@1', 'warning@3']);
    expect(at(df('ARG NPM_TOKEN', 'FROM a', 'ARG NPM_TOKEN', 'ENV NPM_TOKEN=$NPM_TOKEN'))).toEqual(['warning@1', 'warning@3', 'error@4']);
    // Declared after the ENV: not in scope there either.
    expect(at(df('FROM a', 'ENV X=$API_TOKEN', 'ARG API_TOKEN'))).toEqual(['warning@3']);
    expect(at(df('FROM a', 'ADD https://u:${API_TOKEN}@host/f /f'))).toEqual([]);
    expect(at(df('FROM a', 'ARG API_TOKEN', 'ADD https://u:${API_TOKEN}@host/f /f'))).toEqual(['warning@2', 'error@3']);
  });
  test('gcloud --key-file=- reads the key from standard input, and stores it', () => {
    expect(
      matching(/gcloud auth activate-service-account/, df('FROM a', 'ARG GCP_KEY', 'RUN echo "$GCP_KEY" | gcloud auth activate-service-account --key-file=-'))
    ).toEqual(['error@3']);
    const mounted = df('FROM a', 'RUN --mount=type=secret,id=gcp cat /run/secrets/gcp | gcloud auth activate-service-account --key-file -');
    expect(matching(/gcloud/, mounted, { providedIds: ['gcp'] })).toEqual(['error@2']);
    // Without `-`, what is piped in is not the key.
    expect(matching(/gcloud/, df('FROM a', 'ARG GCP_KEY', 'RUN echo "$GCP_KEY" | gcloud auth activate-service-account --key-file=/k.json'))).toEqual([]);
  });
  test('a quoted WORKDIR is the path without its quotes (a write there reaches COPY --from of it)', () => {
    const copied = df('FROM a AS src', 'WORKDIR "/application"', 'COPY .env .env.local', 'FROM a', 'COPY --from=src /application/ /application/');
    expect(at(copied)).toEqual(['error@3']);
    const written = df('FROM a AS b', "WORKDIR '/app'", 'ARG NPM_TOKEN', 'RUN echo "//r/:_authToken=$NPM_TOKEN" > .npmrc', 'FROM a', 'COPY --from=b /app /app');
    expect(matching(/\.npmrc/, written)).toEqual(['error@4']);
  });
});

describe('second held-out corpus (25 more real files)', () => {
  test('a credential-named shell variable set from a command whose output is not known here is a credential', () => {
    const git = (v: string) => `git config --global url."https://u:$${v}@github.com".insteadOf "https://github.com"`;
    expect(at(df('FROM a', 'COPY --from=tok:1 /tmp/blob /gt', `RUN gitToken=$(cat /gt) && ${git('gitToken')}`))).toEqual(['error@3']);
    expect(at(df('FROM a', `RUN export TOKEN=$(curl -s http://meta/t) && ${git('TOKEN')}`))).toEqual(['error@2']);
    // A literal, an empty value, a name that says nothing: clean.
    expect(at(df('FROM a', `RUN TOKEN=dummy && ${git('TOKEN')}`))).toEqual([]);
    expect(at(df('FROM a', `RUN TOKEN= && ${git('TOKEN')}`))).toEqual([]);
    expect(at(df('FROM a', 'RUN STAMP=$(date) && echo "$STAMP" > /stamp'))).toEqual([]);
    // A secret read keeps what it is.
    const mounted = df('FROM a', `RUN --mount=type=secret,id=t TOKEN=$(cat /run/secrets/t) && ${git('TOKEN')}`);
    expect(matching(/mounted secret "t"/, mounted, { providedIds: ['t'] })).toEqual(['error@2']);
  });
  test('a file named for a token, copied from the context or from an image the build does not make', () => {
    expect(at(df('FROM a', 'COPY github_token /gt'))).toEqual(['error@2']);
    expect(at(df('FROM a', 'COPY .token GithubToken gh-token.txt /app/'))).toEqual(['error@2', 'error@2', 'error@2']);
    expect(at(df('FROM a', 'COPY tokenizer.json tokens.css token.go id_token.json /app/'))).toEqual([]);
    expect(matching(/--from=tok:1 takes the credential file \/tmp\/GithubToken/, df('FROM a', 'COPY --from=tok:1 /tmp/GithubToken /gt'))).toEqual(['error@2']);
    expect(at(df('FROM tok:1 AS t', 'FROM a', 'COPY --from=t /root/.ssh/id_rsa /root/.ssh/'))).toEqual(['error@3']);
    // A stage of the build is followed by what its steps write, not by names.
    expect(at(df('FROM a AS t', 'RUN date > /tmp/GithubToken', 'FROM a', 'COPY --from=t /tmp/GithubToken /gt'))).toEqual([]);
    // In an intermediate stage only: a warning.
    expect(at(df('FROM a AS b', 'COPY --from=tok:1 /tmp/GithubToken /gt', 'FROM a', 'RUN true'))).toEqual(['warning@2']);
  });
});

describe('robustness', () => {
  const pieces = [
    'FROM a AS b',
    'FROM b',
    'ARG X=1 Y',
    'ENV T=${X:-y}',
    'WORKDIR $X',
    'RUN --mount=type=secret,id=$X,env=T echo "$T" > f',
    'RUN --mount="type=secret,\\"id=a,b\\"" cat /run/secrets/a',
    'RUN --mount=type=ssh,required git clone https://$T@h/r',
    'RUN <<EOF',
    'cat > x <<-"EOT"',
    'EOT',
    'EOF',
    'COPY --from=0 / /',
    'COPY [".", "/app"]',
    'ONBUILD RUN --mount=type=secret,id=a cp /run/secrets/a /x',
    "RUN sh -c 'echo $(cat /run/secrets/a) | tee /y' \\",
    '  && rm -rf / "unterminated',
    '$(( `',
    '\\'
  ];
  test('never throws, on Dockerfile-like text and on any text', () => {
    const input = (dockerfile: string) => ({ ...base, dockerfile, providedIds: ['a'], providedSshIds: [] });
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (lines) => void preflight(input(lines.join('\n')))));
    fc.assert(fc.property(fc.string(), (text) => void preflight(input(`FROM a\nRUN --mount=type=secret,id=a ${text}`))));
  });
});
