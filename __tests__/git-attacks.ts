/**
 * What an agent (or a malicious pull request's prompt injection) plants in the workspace's .git
 * so that a later host-side git command runs its code, and the commands the runner's later steps
 * run there. Shared by the unit test of the guard (planted by the test itself) and the escape
 * test (planted from a real bottle). Every payload appends its name to `<fired>/fired.txt`, a
 * host path outside the workspace: in the guest it does not exist, so only a host run leaves a trace.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

export const VECTORS = [
  'nested-repo',
  'fsmonitor',
  'hookspath',
  'filter',
  'textconv',
  'diff-external',
  'include',
  'includeif',
  'alias',
  'sshcommand',
  'credential-helper',
  'hooks',
  'info-attributes',
  'config-worktree',
  'deep-tree',
  'commondir',
  'config-symlink',
  'git-symlink'
] as const

/**
 * The bash script the agent runs in the workspace. First it does legitimate work (a commit on a
 * new branch), then plants each vector; each line of `planted.txt` says whether the plant
 * succeeded. `hostFile` is a host file the `.git/config` link points at.
 */
export function plantScript(ws: string, fired: string, hostFile: string): string {
  const p = `${ws}/.payload`
  return `set -u
cd ${ws}
ok() { if "$@" >/dev/null 2>&1; then echo "$PLANT: planted" >> planted.txt; else echo "$PLANT: refused" >> planted.txt; fi; }
git -c user.name=agent -c user.email=agent@example.invalid checkout -q -b agent-work
echo work > agent.txt && git add agent.txt && git -c user.name=agent -c user.email=agent@example.invalid commit -qm 'agent work'
printf '#!/bin/sh\\necho "$1" >> ${fired}/fired.txt\\n' > .payload && chmod +x .payload
# a nested repository committed as a submodule, whose own config runs when git recurses into it
mkdir sub && git -C sub init -q && echo s > sub/s && git -C sub add s && git -C sub -c user.name=a -c user.email=a@x commit -qm s
printf '[submodule "sub"]\\n\\tpath = sub\\n\\turl = ./sub\\n' > .gitmodules
git add .gitmodules sub 2>/dev/null && git -c user.name=agent -c user.email=agent@example.invalid commit -qm 'add sub'
PLANT=nested-repo ok git -C sub config core.fsmonitor "${p} nested-repo"
PLANT=fsmonitor ok git config core.fsmonitor "${p} fsmonitor"
mkdir -p .evil-hooks && for h in pre-commit commit-msg post-commit post-checkout reference-transaction; do printf '#!/bin/sh\\n${p} hookspath\\n' > .evil-hooks/$h; chmod +x .evil-hooks/$h; done
PLANT=hookspath ok git config core.hooksPath ${ws}/.evil-hooks
printf '* filter=evil diff=evil\\n' > .gitattributes
PLANT=filter ok git config filter.evil.clean "${p} filter"
git config filter.evil.smudge "${p} filter"
PLANT=textconv ok git config diff.evil.textconv "${p} textconv"
PLANT=diff-external ok git config diff.external "${p} diff-external"
printf '[core]\\n\\tfsmonitor = ${p} include\\n' > .evil-include
PLANT=include ok git config include.path ${ws}/.evil-include
printf '[core]\\n\\tfsmonitor = ${p} includeif\\n' > .evil-includeif
PLANT=includeif ok git config "includeIf.gitdir:${ws}/.git.path" ${ws}/.evil-includeif
PLANT=alias ok git config alias.st "!${p} alias"
PLANT=sshcommand ok git config core.sshCommand "${p} sshcommand"
PLANT=credential-helper ok git config credential.helper "!${p} credential-helper"
PLANT=hooks ok sh -c 'for h in pre-commit commit-msg post-commit post-checkout reference-transaction post-index-change; do printf "#!/bin/sh\\n${p} hooks\\n" > .git/hooks/$h && chmod +x .git/hooks/$h || exit 1; done'
PLANT=info-attributes ok sh -c 'mkdir -p .git/info && printf "* filter=evil diff=evil\\n" > .git/info/attributes'
git config extensions.worktreeConfig true
PLANT=config-worktree ok sh -c 'printf "[core]\\n\\tfsmonitor = ${p} config-worktree\\n" > .git/config.worktree'
# a tree deeper than a path can name, so that a path-based restore fails before it puts config back
PLANT=deep-tree ok bash -c 'cd .git/refs && mkdir deep && cd deep && for i in $(seq 1 450); do mkdir aaaaaaaaaa && cd aaaaaaaaaa || exit 1; done'
cp -r .git .evil-common 2>/dev/null; git --git-dir=.evil-common config core.fsmonitor "${p} commondir"
PLANT=commondir ok sh -c 'echo ${ws}/.evil-common > .git/commondir'
PLANT=config-symlink ok sh -c 'rm -f .git/config && ln -s ${hostFile} .git/config'
PLANT=git-symlink ok sh -c 'mv .git .git-moved && ln -s .git-moved .git'
true`
}

/** actions/checkout's post step (src/git-auth-helper.ts removeAuth), then what users' own steps run. */
export const HOST_COMMANDS: string[][] = [
  ['config', '--local', '--name-only', '--get-regexp', 'core\\.sshCommand'],
  [
    'submodule',
    'foreach',
    '--recursive',
    "sh -c \"git config --local --name-only --get-regexp 'core\\.sshCommand' && git config --local --unset-all 'core.sshCommand' || :\""
  ],
  ['config', '--local', '--name-only', '--get-regexp', 'http\\.https\\:\\/\\/github\\.com\\/\\.extraheader'],
  [
    'submodule',
    'foreach',
    '--recursive',
    "sh -c \"git config --local --name-only --get-regexp 'http\\.https\\:\\/\\/github\\.com\\/\\.extraheader' && git config --local --unset-all 'http.https://github.com/.extraheader' || :\""
  ],
  ['config', '--local', '--name-only', '--get-regexp', '^includeIf\\.gitdir:'],
  ['submodule', 'foreach', '--recursive', 'git config --local --show-origin --name-only --get-regexp remote.origin.url'],
  ['status'],
  ['diff', 'HEAD~1'],
  ['log', '-p', '-3'],
  ['st'],
  ['-c', 'user.name=runner', '-c', 'user.email=runner@example.invalid', 'commit', '-q', '--allow-empty', '-m', 'a later step'],
  ['submodule', 'foreach', 'true'],
  ['checkout', '-q', '-b', 'later-step']
]

/** Runs the host commands as the workspace's owner (as the runner's later steps would); returns what fired. */
export function runHostGit(ws: string, fired: string): string[] {
  const st = fs.statSync(ws)
  const home = fs.mkdtempSync(path.join(path.dirname(fired), 'home-'))
  fs.chownSync(home, st.uid, st.gid)
  for (const args of HOST_COMMANDS) {
    spawnSync('setpriv', ['--reuid', String(st.uid), '--regid', String(st.gid), '--clear-groups', 'git', ...args], {
      cwd: ws,
      env: { PATH: process.env['PATH'], HOME: home, GIT_TERMINAL_PROMPT: '0' },
      stdio: 'ignore',
      timeout: 30_000
    })
  }
  const file = path.join(fired, 'fired.txt')
  return fs.existsSync(file) ? [...new Set(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean))].sort() : []
}

/** A dir every uid may write (the payloads run as the workspace's owner). */
export function firedDir(dir: string): string {
  const fired = path.join(dir, 'fired')
  fs.mkdirSync(fired, { recursive: true })
  fs.chmodSync(fired, 0o777)
  return fired
}

/** `planted.txt` as vector → planted|refused. */
export const plantResults = (ws: string) =>
  Object.fromEntries(
    fs
      .readFileSync(path.join(ws, 'planted.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(l => l.split(': '))
  )

export const commitSubjects = (ws: string) =>
  execFileSync('git', ['-c', 'safe.directory=*', '-C', ws, 'log', '--all', '--format=%s'], { encoding: 'utf8' }).split('\n').filter(Boolean)
