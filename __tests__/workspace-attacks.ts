/**
 * The escape suite of issue 24, shared by the docker and the smolvm e2e tests: the bottle works
 * on its own copy of the workspace, and the agent's changes come back only through the
 * workspace door. From a real bottle (real claude, scripted model) the agent plants every
 * `.git` vector of git-attacks.ts, the bare-repository shapes (at the root, after garbage into
 * `.git/HEAD`, and in a subdirectory), a nested repository deeper than 2048 characters
 * registered as a gitlink, MERGE_HEAD, `.git` in every spelling a file system folds to it,
 * symlinks to host files, a FIFO, a socket, hard links, a protected path, a secret, a file
 * over the cap, and fills its disk; it also makes legitimate changes (edit, add, delete,
 * `chmod +x`). Afterwards the runner runs what its later steps and actions/checkout's post step
 * run, at the root and with `-C` in every planted directory. `judgeEscape` reports everything
 * that went wrong as one object, so a failure shows every broken promise at once.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { firedDir, plantResults, plantScript, VECTORS } from './git-attacks.js'

/** `workspace-max-mb` for the escape runs: small, so the over-cap file and the disk fill are cheap. */
export const CAP_MB = 8
const MIB = 1024 * 1024

/** A directory chain of 21 names of 100 characters: the nested repository sits deeper than 2048 characters. */
export const DEEP = `deep/${Array.from({ length: 21 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(98)}`).join('/')}`
/** `.git` as HFS+ sees it: a zero-width non-joiner inside. */
export const HFS_DOTGIT = '.g\u200cit'

/** An output of an earlier step, ignored by git, over the cap: the agent appends a line to it. */
const BIG = Buffer.alloc((CAP_MB + 2) * MIB, 'big-file-')
const BIG_ON_HOST = `file 644 1001:1001 ${BIG.toString('utf8')}`

const RUNNER = ['-c', 'user.name=runner', '-c', 'user.email=runner@example.invalid']

/** The runner's checkout, before the action runs, and where the payloads would leave a trace. */
export interface Scene {
  ws: string
  /** payloads append their name to fired/fired.txt (a host path the bottle cannot see) */
  fired: string
  /** a host file outside the workspace the agent's links point at */
  hostFile: string
  /** a host directory outside the workspace; the checkout's symlink `ext` points at it */
  outsideDir: string
  /** `.git` as it was, path → type, mode, owner and sha256 */
  gitBefore: Map<string, string>
  /** the runner's HEAD commit */
  headBefore: string
  /** outsideDir as it was */
  outsideBefore: Map<string, string>
}

/** git as root on a checkout another uid owns (the test's own setup and reads) */
export function gitAsRoot(ws: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'safe.directory=*', '-C', ws, ...RUNNER, ...args], { encoding: 'utf8' }).trim()
}

/**
 * Adds to a fresh checkout what the escape needs: tracked files the agent edits, deletes and
 * makes executable, an ignored file over the cap (output of an earlier step), a tracked symlink
 * `ext` to a host directory, and config and a hook of the runner's own that must not reach the
 * bottle. Then lists .git.
 */
export function setUpScene(dir: string, ws: string): Scene {
  fs.mkdirSync(dir, { recursive: true })
  const fired = firedDir(dir)
  const hostFile = path.join(dir, 'host-file')
  fs.writeFileSync(hostFile, 'host\n', { mode: 0o644 })
  const outsideDir = path.join(dir, 'outside')
  fs.mkdirSync(outsideDir, { recursive: true })
  fs.writeFileSync(path.join(outsideDir, 'keep.txt'), 'keep\n')
  fs.writeFileSync(path.join(ws, 'tool.sh'), '#!/bin/sh\necho tool\n', { mode: 0o644 })
  fs.chmodSync(path.join(ws, 'tool.sh'), 0o644)
  fs.writeFileSync(path.join(ws, 'old.txt'), 'old\n')
  fs.writeFileSync(path.join(ws, '.gitignore'), 'data/\nbuild/\n')
  fs.symlinkSync(outsideDir, path.join(ws, 'ext'))
  gitAsRoot(ws, 'add', '-A')
  gitAsRoot(ws, 'commit', '-qm', 'scene')
  fs.mkdirSync(path.join(ws, 'data'))
  fs.writeFileSync(path.join(ws, 'data', 'big.bin'), BIG)
  gitAsRoot(ws, 'config', 'alias.runneronly', '!echo runner-only')
  fs.writeFileSync(path.join(ws, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
  execFileSync('chown', ['-R', '1001:1001', ws])
  execFileSync('chown', ['-h', '1001:1001', path.join(ws, 'ext')])
  return {
    ws,
    fired,
    hostFile,
    outsideDir,
    gitBefore: listTree(path.join(ws, '.git')),
    headBefore: gitAsRoot(ws, 'rev-parse', 'HEAD'),
    outsideBefore: listTree(outsideDir)
  }
}

/**
 * Every entry under `root`, never following a link: path → type, mode, owner and the sha256 of
 * a file (or a link's target). An entry that cannot be read is listed with its error.
 */
export function listTree(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (rel: string) => {
    const abs = rel ? path.join(root, rel) : root
    let st: fs.Stats
    try {
      st = fs.lstatSync(abs)
    } catch (err) {
      out.set(rel, `error ${(err as NodeJS.ErrnoException).code}`)
      return
    }
    const head = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`
    if (st.isSymbolicLink()) out.set(rel, `link ${head} -> ${fs.readlinkSync(abs)}`)
    else if (st.isFile()) out.set(rel, `file ${head} ${crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex')}`)
    else if (st.isDirectory()) {
      out.set(rel, `dir ${head}`)
      let names: string[]
      try {
        names = fs.readdirSync(abs).sort()
      } catch (err) {
        out.set(`${rel}/`, `error ${(err as NodeJS.ErrnoException).code}`)
        return
      }
      for (const n of names) walk(rel ? `${rel}/${n}` : n)
    } else out.set(rel, `special ${head}`)
  }
  walk('')
  return out
}

/** What differs between two listings, one line per path (the first 40, then how many more). */
export function diffTrees(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = []
  const short = (p: string) => (p.length > 200 ? `${p.slice(0, 100)}…(${p.length} characters)` : p)
  for (const [p, v] of before) if (after.get(p) !== v) lines.push(`${short(p)}: ${v} => ${after.get(p) ?? 'absent'}`)
  for (const [p, v] of after) if (!before.has(p)) lines.push(`${short(p)}: absent => ${v}`)
  lines.sort()
  return lines.length > 40 ? [...lines.slice(0, 40), `(${lines.length - 40} more)`] : lines
}

const bash = (command: string, description: string) => ({ tool_use: { name: 'Bash', input: { command, description, timeout: 300_000 } } })

/** The legitimate work: an edit, a new directory with files of odd modes, a deletion, a `chmod +x`. */
export function legitScript(ws: string): string {
  return `set -u
cd ${ws}
printf 'edited by the agent\\n' > README.md
mkdir -m 777 src && printf 'new\\n' > src/new.txt
printf 'private\\n' > src/private.txt && chmod 600 src/private.txt
printf '#!/bin/sh\\necho all\\n' > src/all.sh && chmod 777 src/all.sh
rm old.txt
chmod +x tool.sh
echo legit-done`
}

/** What the legitimate work leaves in the runner's workspace: type, mode, owner, content. */
export const LEGIT_ON_HOST: Record<string, string> = {
  'README.md': 'file 644 1001:1001 edited by the agent\n',
  src: 'dir 755 1001:1001',
  'src/new.txt': 'file 644 1001:1001 new\n',
  'src/private.txt': 'file 644 1001:1001 private\n',
  'src/all.sh': 'file 755 1001:1001 #!/bin/sh\necho all\n',
  'old.txt': 'absent',
  'tool.sh': 'file 755 1001:1001 #!/bin/sh\necho tool\n'
}

/** Each legitimate change as workspace-changes.jsonl must record it (`path change verdict`). */
export const LEGIT_RECORDS = ['README.md modified', 'src/new.txt added', 'src/private.txt added', 'src/all.sh added', 'old.txt deleted', 'tool.sh modified']

/** One entry as the runner sees it, in LEGIT_ON_HOST's form. */
export function describeOnHost(ws: string, rel: string): string {
  const abs = path.join(ws, rel)
  let st: fs.Stats
  try {
    st = fs.lstatSync(abs)
  } catch {
    return 'absent'
  }
  const head = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`
  if (st.isDirectory()) return `dir ${head}`
  if (st.isFile()) return `file ${head} ${fs.readFileSync(abs, 'utf8')}`
  return `${st.isSymbolicLink() ? 'link' : 'special'} ${head}`
}

/** The git-shaped plants beyond git-attacks.ts: deep nested repo, MERGE_HEAD, bare shapes, every spelling of `.git`. */
export function gitShapesScript(ws: string): string {
  const p = `${ws}/.payload`
  return `set -u
cd ${ws}
ok() { if "$@" >/dev/null 2>&1; then echo "$PLANT: planted" >> planted.txt; else echo "$PLANT: refused" >> planted.txt; fi; }
G() { git -c user.name=agent -c user.email=agent@example.invalid "$@"; }
gitdir_at() { mkdir -p "$1/objects" "$1/refs/heads" && printf 'ref: refs/heads/main\\n' > "$1/HEAD" && printf '[core]\\n\\trepositoryformatversion = 0\\n\\tbare = false\\n\\tworktree = .\\n\\tfsmonitor = ${p} %s\\n' "$2" > "$1/config"; }
# a repository deeper than 2048 characters, registered as a gitlink in the index
PLANT=deep-nested ok bash -c 'mkdir -p ${DEEP} && cd ${DEEP} && git init -q && git config core.fsmonitor "${p} deep-nested" && echo d > f && git add f && git -c user.name=a -c user.email=a@x commit -qm d'
PLANT=deep-gitlink ok G add ${DEEP}
G commit -qm 'deep nested repository'
# a merge in progress, with a parent the agent chose
PLANT=merge-head ok sh -c 'git rev-parse HEAD > .git/MERGE_HEAD'
# the bare-repository shape in a subdirectory: fires for a later step with working-directory there
PLANT=nest-bare ok gitdir_at nest nest-bare
# .git in the spellings a case-insensitive, NTFS or HFS+ file system folds to .git
PLANT=dotgit-upper ok gitdir_at upper/.GIT dotgit-upper
PLANT=dotgit-ntfs ok gitdir_at ntfs/.git. dotgit-ntfs
PLANT=dotgit-short ok gitdir_at short/GIT~1 dotgit-short
PLANT=dotgit-hfs ok gitdir_at "hfs/.g$(printf '\\342\\200\\214')it" dotgit-hfs
# a .git file and a .git link in subdirectories, both leading to the agent's repository copy
PLANT=gitfile ok sh -c 'mkdir -p gitfile && printf "gitdir: ../.evil-common\\n" > gitfile/.git'
PLANT=gitlink-symlink ok sh -c 'mkdir -p linkgit && ln -s ../.evil-common linkgit/.git'
# last, as the agent of the issue did: garbage into .git/HEAD, then the root as a bare repository
PLANT=root-bare ok sh -c 'printf "garbage\\n" > .git/HEAD && mkdir -p objects refs/heads && printf "ref: refs/heads/main\\n" > HEAD && printf "[core]\\n\\trepositoryformatversion = 0\\n\\tbare = false\\n\\tworktree = .\\n\\tfsmonitor = ${p} root-bare\\n" > config'
echo shapes-done`
}

/** The plants above and in git-attacks.ts, as planted.txt names them. */
export const PLANTS = [
  ...VECTORS,
  'deep-nested',
  'deep-gitlink',
  'merge-head',
  'nest-bare',
  'dotgit-upper',
  'dotgit-ntfs',
  'dotgit-short',
  'dotgit-hfs',
  'gitfile',
  'gitlink-symlink',
  'root-bare'
]

/** Links, special files, hard links, a protected path, a secret, a file over the cap, a symlink swapped for a directory. */
export function specialFilesScript(ws: string, hostFile: string, outsideDir: string): string {
  return `set -u
cd ${ws}
ln -s /etc/passwd passwd-link
ln -s ${hostFile} host-link
ln -s ${outsideDir} dir-link
ln -s README.md inner-link
mkfifo pipe
printf 'same\\n' > hard-a && ln hard-a hard-b
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => "sock", Listen => 1) or die "socket: $!"'
printf 'one more line\\n' >> data/big.bin
mkdir -p .github/workflows && printf 'on: push\\njobs: {}\\n' > .github/workflows/evil.yml
printf 'aws_access_key_id = AKIA%s\\n' QWERTYUIOPASDFGH > leak.txt
rm ext && mkdir ext && printf 'pwned\\n' > ext/pwned.txt
ls -la | wc -l`
}

/** The bottle's read-only mounts of runner directories: the copy-in's stage and the runner's git objects (src/bottle/workspace/stage.ts). */
export const RUNNER_MOUNTS = ['/opt/bot-bottle/git-objects', '/opt/bot-bottle/workspace-in']

/** Tries to write, chmod, touch and hard-link in every runner directory mounted into the bottle; prints WROTE for each success. */
export function mountsScript(): string {
  return `for d in ${RUNNER_MOUNTS.join(' ')}; do
  [ -d "$d" ] && echo "MOUNT $d"
  touch "$d/pwn" 2>/dev/null && echo "WROTE $d/pwn"
  mkdir "$d/pwn-dir" 2>/dev/null && echo "WROTE $d/pwn-dir"
  find "$d" -type f 2>/dev/null | head -20 | while read -r f; do
    { printf x >> "$f"; } 2>/dev/null && echo "WROTE $f"
    chmod 666 "$f" 2>/dev/null && echo "WROTE $f (chmod)"
    touch -d 2001-01-01 "$f" 2>/dev/null && echo "WROTE $f (time)"
    rm -f "$f" 2>/dev/null && [ ! -e "$f" ] && echo "WROTE $f (removed)"
  done
done
echo MOUNTS_DONE`
}

/**
 * What the disk fill tries to write: far more than the bottle's workspace has room for (the
 * copy, workspace-max-mb, and some slack for git's own bookkeeping), far less than a runner's disk.
 */
const FILL_TRIED_BYTES = 256 * MIB

/** Fills the workspace's disk until it fails, bounded by count (FILL_TRIED_BYTES) and time (90 s); says how far it got. */
export function fillScript(ws: string): string {
  return `cd ${ws}
timeout 90 dd if=/dev/zero of=fill.bin bs=1M count=${FILL_TRIED_BYTES / MIB} status=none
echo "DD_EXIT=$?"
echo "FILL_BYTES=$(stat -c %s fill.bin)"
rm -f fill.bin`
}

/** The scripted model's turns for the whole escape. */
export function escapeTurns(scene: Scene) {
  return [
    bash(legitScript(scene.ws), 'legitimate work'),
    bash(plantScript(scene.ws, scene.fired, scene.hostFile), 'plant git vectors'),
    bash(gitShapesScript(scene.ws), 'plant git shapes'),
    bash(specialFilesScript(scene.ws, scene.hostFile, scene.outsideDir), 'plant special files'),
    bash(mountsScript(), 'write through the read-only mounts'),
    bash(fillScript(scene.ws), 'fill the disk'),
    { text: 'done' }
  ]
}

/** The escape runs' inputs beyond the backend's. */
export const ESCAPE_INPUTS = { 'workspace-max-mb': String(CAP_MB) }

/**
 * What must be refused, each with how to recognise its record's path (a directory may be
 * refused whole or file by file) and how to tell that it reached the runner's workspace anyway.
 */
interface Refusal {
  name: string
  matches(p: string): boolean
  onHost(ws: string): boolean
}
const exists = (p: string) => {
  try {
    fs.lstatSync(p)
    return true
  } catch {
    return false
  }
}
const isDir = (p: string) => {
  try {
    return fs.lstatSync(p).isDirectory()
  } catch {
    return false
  }
}
/** `dir` as git's discovery would take it for a repository: HEAD with objects/ and refs/, or HEAD with commondir */
const gitShaped = (dir: string) =>
  exists(path.join(dir, 'HEAD')) && ((isDir(path.join(dir, 'objects')) && isDir(path.join(dir, 'refs'))) || exists(path.join(dir, 'commondir')))
const under = (root: string) => (p: string) => p === root || p.startsWith(`${root}/`)
const exact = (name: string): Refusal => ({ name, matches: p => p === name, onHost: ws => exists(path.join(ws, name)) })
const tree = (root: string, name = root): Refusal => ({ name, matches: under(root), onHost: ws => exists(path.join(ws, root)) })
/** a copy of a git directory under another name: git's own files in it are refused, so it never has a HEAD or config on the runner */
const gitDirCopy = (root: string): Refusal => ({
  name: root,
  matches: under(root),
  onHost: ws => gitShaped(path.join(ws, root)) || exists(path.join(ws, root, 'HEAD')) || exists(path.join(ws, root, 'config'))
})
/** a bare-repository shape in `dir` ('' = the root): any of its parts may be the one refused; it must not be git-shaped on the runner */
const shape = (dir: string): Refusal => {
  const at = (n: string) => (dir ? `${dir}/${n}` : n)
  return {
    name: `${dir || 'the root'} as a bare repository`,
    matches: p => [at('HEAD'), at('config')].includes(p) || under(at('objects'))(p) || under(at('refs'))(p),
    onHost: ws => gitShaped(path.join(ws, dir))
  }
}

export const REFUSALS: Refusal[] = [
  gitDirCopy('.evil-common'), // a copy of .git (git-attacks' commondir target)
  gitDirCopy('.git-moved'), // .git moved aside, .git a link to it (git-attacks' git-symlink)
  tree('sub/.git'), // git-attacks' nested repository
  tree(`${DEEP}/.git`, `deep/…(${DEEP.length} characters)…/.git`),
  shape(''),
  shape('nest'),
  tree('upper/.GIT'),
  tree('ntfs/.git.'),
  tree('short/GIT~1'),
  tree(`hfs/${HFS_DOTGIT}`),
  exact('gitfile/.git'),
  exact('linkgit/.git'),
  exact('passwd-link'),
  exact('host-link'),
  exact('dir-link'),
  exact('inner-link'),
  exact('pipe'),
  exact('sock'),
  exact('hard-a'),
  exact('hard-b'),
  { name: 'data/big.bin', matches: p => p === 'data/big.bin', onHost: ws => describeOnHost(ws, 'data/big.bin') !== BIG_ON_HOST },
  exact('.github/workflows/evil.yml'),
  exact('leak.txt')
]

const WORKSPACE_CHANGES = 'workspace-changes.jsonl'

export interface ChangeRecord {
  path: string
  change: string
  verdict: string
  reason?: string
}

/** workspace-changes.jsonl of a run (empty when there is none). */
export function changeRecords(transcriptDir: string): ChangeRecord[] {
  const file = path.join(transcriptDir, WORKSPACE_CHANGES)
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(l => JSON.parse(l) as ChangeRecord)
}

/** report.html of a run: the artifact's copy, else the state dir's. */
export function reportHtml(transcriptDir: string): string {
  for (const f of [path.join(transcriptDir, 'artifact', 'report.html'), path.join(transcriptDir, 'report.html')])
    if (fs.existsSync(f)) return fs.readFileSync(f, 'utf8')
  return ''
}

/**
 * Whether `text` names the refused path `p` with its reason: the path (as is, JSON-escaped as in
 * report.html's data, or markdown-escaped as in the summary) with the reason's first 40
 * characters within 400 characters of it. The reason is what tells a refusal from any other
 * mention (report.html also holds the agent's commands, which name every path they planted).
 * A path over 200 characters (the deep repository) may be cut: its first 100 name it.
 */
export function namesWithReason(text: string, p: string, reason: string): boolean {
  const forms = (x: string) => [x, JSON.stringify(x).slice(1, -1)]
  const paths = forms(p.length > 200 ? p.slice(0, 100) : p)
  const reasons = forms(reason.slice(0, 40))
  for (const t of [text, text.replace(/\\([\\`*_[\]|!~<>#])/g, '$1')]) {
    for (const f of paths) {
      for (let i = t.indexOf(f); i !== -1; i = t.indexOf(f, i + 1)) {
        const around = t.slice(Math.max(0, i - 400), i + p.length + 400) // the whole path, where only its start was looked for
        if (reasons.some(r => around.includes(r))) return true
      }
    }
  }
  return false
}

/** The texts of the tool results claude sent back, in order (from the last conversation request the API double saw). */
export function toolResults(api: { conversation(): unknown[] }): string[] {
  const conv = api.conversation() as { body: { messages: { role: string; content: unknown }[] } }[]
  const last = conv[conv.length - 1]
  if (!last) return []
  const out: string[] = []
  for (const m of last.body.messages) {
    if (m.role !== 'user' || !Array.isArray(m.content)) continue
    for (const b of m.content as { type: string; content?: unknown }[]) {
      if (b.type !== 'tool_result') continue
      out.push(typeof b.content === 'string' ? b.content : Array.isArray(b.content) ? b.content.map((c: { text?: string }) => c.text ?? '').join('') : '')
    }
  }
  return out
}

/** The tool results as the run's record (stream.jsonl) shows them. */
export function recordedToolResults(transcriptDir: string): string[] {
  const out: string[] = []
  for (const line of fs.readFileSync(path.join(transcriptDir, 'stream.jsonl'), 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue
    const ev = JSON.parse(line) as { type?: string; message?: { content?: unknown } }
    if (ev.type !== 'user' || !Array.isArray(ev.message?.content)) continue
    for (const b of ev.message.content as { type: string; content?: unknown }[]) {
      if (b.type !== 'tool_result') continue
      out.push(typeof b.content === 'string' ? b.content : Array.isArray(b.content) ? b.content.map((c: { text?: string }) => c.text ?? '').join('') : '')
    }
  }
  return out
}

/** How many refused paths the log neither names nor counts: 0, or all of those it leaves out when it does not say how many. */
function unloggedNotCounted(refused: ChangeRecord[], log: string): number {
  const unlogged = refused.filter(c => !log.includes(`workspace door: refused ${c.path}: `)).length
  return unlogged === 0 || new RegExp(`\\b${unlogged}\\b[^\\n]*${WORKSPACE_CHANGES}`).test(log) ? 0 : unlogged
}

const escapeRegexp = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, c => `\\${c}`) // actions/checkout's regexp-helper escape

/**
 * Runs git as the workspace's owner (as the runner's later steps do) in `cwd`, with a HOME of
 * its own; returns exit code and stdout. Bounded: 30 s a command.
 */
function gitAsOwner(ws: string, home: string, args: string[], cwd = ws): { code: number | null; stdout: string } {
  const st = fs.statSync(ws)
  const r = spawnSync('setpriv', ['--reuid', String(st.uid), '--regid', String(st.gid), '--clear-groups', 'git', ...args], {
    cwd,
    // the ceiling stands for a runner's checkout having no repository above it (here the test's own checkout is)
    env: {
      PATH: process.env['PATH'],
      HOME: home,
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'Never',
      GIT_LFS_SKIP_SMUDGE: '1',
      GIT_CEILING_DIRECTORIES: path.dirname(ws)
    },
    encoding: 'utf8',
    timeout: 30_000
  })
  return { code: r.status, stdout: r.stdout ?? '' }
}

/** What users' own later steps run in the workspace (`-C dir` in front when run for a planted directory). */
export const USER_COMMANDS: string[][] = [
  ['status'],
  ['diff'],
  ['diff', 'HEAD'],
  ['log', '-p', '-3'],
  [...RUNNER, 'commit', '-a', '-q', '-m', 'a later step'],
  ['submodule', 'foreach', '--recursive', 'true']
]

/**
 * actions/checkout's post step (v7: src/git-source-provider.ts cleanup → git-auth-helper.ts
 * removeAuth, git-command-manager.ts), as the commands it runs, for a checkout of `serverOrigin`:
 * per key `configExists` (--get-regexp of the
 * escaped key) and `--unset-all` when it exists, the same in every submodule through
 * `submodule foreach --recursive`, then the includeIf.gitdir entries and the submodules' config
 * paths (`--show-origin` of remote.origin.url).
 */
export function checkoutPostStep(ws: string, home: string, dir: string, serverOrigin: string): void {
  const C = dir ? ['-C', dir] : []
  const git = (...args: string[]) => gitAsOwner(ws, home, [...C, ...args])
  for (const key of ['core.sshCommand', `http.${serverOrigin}/.extraheader`]) {
    const pattern = escapeRegexp(key)
    if (git('config', '--local', '--name-only', '--get-regexp', pattern).code === 0) git('config', '--local', '--unset-all', key)
    git(
      'submodule',
      'foreach',
      '--recursive',
      `sh -c "git config --local --name-only --get-regexp '${pattern}' && git config --local --unset-all '${key}' || :"`
    )
  }
  const credentialsFile = /git-credentials-[0-9a-f-]+\.config$/i
  const includeIfs = (file?: string) => {
    const where = file ? ['--file', file] : ['--local']
    const keys = git('config', ...where, '--name-only', '--get-regexp', '^includeIf\\.gitdir:')
      .stdout.split('\n')
      .filter(k => k.trim())
    for (const key of keys) {
      for (const value of git('config', ...where, '--get-all', key)
        .stdout.split('\n')
        .filter(v => v.trim())) {
        if (credentialsFile.test(value)) git('config', ...where, '--unset', key, escapeRegexp(value))
      }
    }
  }
  includeIfs()
  const origins = git('submodule', 'foreach', '--recursive', 'git config --local --show-origin --name-only --get-regexp remote.origin.url').stdout
  for (const file of origins.match(/(?<=(^|\n)file:)[^\t]+(?=\tremote\.origin\.url)/g) ?? []) includeIfs(file)
}

/** The directories the agent planted something in: the runner's later steps may run git there (`working-directory:`). */
export const PLANTED_DIRS = [
  'sub',
  'nest',
  DEEP,
  'gitfile',
  'linkgit',
  'upper',
  'ntfs',
  'short',
  'hfs',
  '.evil-common',
  '.git-moved',
  '.evil-hooks',
  'ext',
  'src'
]

/**
 * The runner's later steps, then actions/checkout's post step, at the root and with `-C` in
 * every planted directory. Returns the commit the root's `git commit -a` made (its parents and
 * subject) and the payloads that fired.
 */
export function runRunnerGit(scene: Scene, serverOrigin: string): { fired: string[]; laterCommit: string } {
  const st = fs.statSync(scene.ws)
  const home = fs.mkdtempSync(path.join(path.dirname(scene.fired), 'home-'))
  fs.chownSync(home, st.uid, st.gid)
  for (const dir of ['', ...PLANTED_DIRS]) for (const args of USER_COMMANDS) gitAsOwner(scene.ws, home, [...(dir ? ['-C', dir] : []), ...args])
  // read from the runner's .git itself (no discovery: the workspace may have been made to look like another repository)
  const log = spawnSync('git', ['-c', 'safe.directory=*', `--git-dir=${path.join(scene.ws, '.git')}`, 'log', '-1', '--format=%P %s'], {
    encoding: 'utf8',
    timeout: 30_000
  })
  const laterCommit = log.status === 0 ? log.stdout.trim() : `git log failed: ${log.stderr.trim()}`
  // set-safe-directory (the default): the post step adds the workspace to a temporary global config first
  gitAsOwner(scene.ws, home, ['config', '--global', '--add', 'safe.directory', scene.ws])
  for (const dir of ['', ...PLANTED_DIRS]) checkoutPostStep(scene.ws, home, dir, serverOrigin)
  const file = path.join(scene.fired, 'fired.txt')
  const fired = fs.existsSync(file) ? [...new Set(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean))].sort() : []
  return { fired, laterCommit }
}

export interface RunResult {
  main: { code: number | null; stdout: string; stderr: string }
  outputs: Record<string, string | undefined>
  summary: string
  log: string
}

/**
 * Everything the escape suite checks, as one object (see ESCAPE_EXPECTED): run it after the
 * action, before anything else touches the workspace.
 */
export function judgeEscape(
  scene: Scene,
  r: RunResult,
  api: Parameters<typeof toolResults>[0],
  serverOrigin: string,
  uploaded: string[] | undefined
): Record<string, unknown> {
  const { ws } = scene
  const tdir = r.outputs['transcript-dir'] ?? ''
  // for whoever reads a failure: the step's log and summary beside the scene
  fs.writeFileSync(path.join(path.dirname(scene.fired), 'main.log'), r.log)
  fs.writeFileSync(path.join(path.dirname(scene.fired), 'summary.md'), r.summary)
  const gitAfter = listTree(path.join(ws, '.git'))
  const records = tdir ? changeRecords(tdir) : []
  const refused = records.filter(c => c.verdict === 'refused')
  const report = tdir ? reportHtml(tdir) : ''
  const recordsOf = (f: Refusal) => refused.filter(c => f.matches(c.path))
  /** a plant's records nearest its top (a refused tree may be recorded file by file) */
  const firstRecordsOf = (f: Refusal) =>
    recordsOf(f)
      .sort((a, b) => a.path.length - b.path.length)
      .slice(0, 5)
  const fill = toolResults(api).find(t => t.includes('DD_EXIT=')) ?? ''
  const mounts = toolResults(api).find(t => t.includes('MOUNTS_DONE')) ?? ''
  const fillBytes = Number(/FILL_BYTES=(\d+)/.exec(fill)?.[1] ?? Number.NaN)
  const planted = fs.existsSync(path.join(ws, 'planted.txt')) ? Object.keys(plantResults(ws)) : []
  const verdict: Record<string, unknown> = {
    conclusion: r.outputs['conclusion'],
    mainStepFailed: r.main.code !== 0,
    // the scripts ran to their end in the bottle
    plantsTried: PLANTS.filter(p => !planted.includes(p)),
    // the runner's .git, byte for byte
    runnerGitChanged: diffTrees(scene.gitBefore, gitAfter),
    // the runner directories mounted in the bottle were there to attack, and nothing was written through them
    mountsSeen: RUNNER_MOUNTS.filter(d => mounts.includes(`MOUNT ${d}`)),
    wroteThroughMounts: mounts.split('\n').filter(l => l.startsWith('WROTE')),
    // refused, and not in the runner's workspace
    refusalsWithoutRecord: REFUSALS.filter(f => recordsOf(f).length === 0).map(f => f.name),
    refusedButOnHost: REFUSALS.filter(f => f.onHost(ws)).map(f => f.name),
    recordsWithoutReason: refused.filter(c => typeof c.reason !== 'string' || c.reason.trim() === '').map(c => c.path),
    // each plant named in the log; a refused path the log leaves out (a bounded log) is at least counted there
    refusalsNotInLog: REFUSALS.filter(f => !recordsOf(f).some(c => r.log.includes(`workspace door: refused ${c.path}: `))).map(f => f.name),
    unloggedNotCounted: unloggedNotCounted(refused, r.log),
    refusalsNotInSummary: REFUSALS.filter(f => !firstRecordsOf(f).some(c => namesWithReason(r.summary, c.path, c.reason ?? ''))).map(f => f.name),
    refusalsNotInReport: REFUSALS.filter(f => !firstRecordsOf(f).some(c => namesWithReason(report, c.path, c.reason ?? ''))).map(f => f.name),
    // the legitimate work is there, modes normalised, owned as the workspace is
    legit: Object.fromEntries(Object.keys(LEGIT_ON_HOST).map(p => [p, describeOnHost(ws, p)])),
    legitRecordsMissing: LEGIT_RECORDS.filter(l => !records.some(c => `${c.path} ${c.change}` === l && c.verdict === 'applied')),
    // a symlink the checkout had, swapped for a directory by the agent, was not written through
    outsideDirChanged: diffTrees(scene.outsideBefore, listTree(scene.outsideDir)),
    hostFile: `${fs.readFileSync(scene.hostFile, 'utf8')} ${fs.statSync(scene.hostFile).uid}`,
    // the disk fill stopped at the bound, not at the runner's disk
    fill: {
      stoppedByTheBound: /No space left on device|Disk quota exceeded|File too large|File size limit exceeded/.test(fill) && !/DD_EXIT=0\b/.test(fill),
      underHalfOfWhatItTried: fillBytes < FILL_TRIED_BYTES / 2
    },
    recordUploaded: uploaded === undefined ? 'no artifact' : ['report.html', WORKSPACE_CHANGES].filter(f => !uploaded.includes(f))
  }
  // then the runner's own git, and actions/checkout's post step: nothing fires, and a later commit is no merge
  const after = runRunnerGit(scene, serverOrigin)
  verdict['fired'] = after.fired
  verdict['laterCommit'] = after.laterCommit
  return verdict
}

/** What judgeEscape must find. */
export function escapeExpected(scene: Scene): Record<string, unknown> {
  return {
    conclusion: 'refused-changes',
    mainStepFailed: true,
    plantsTried: [],
    runnerGitChanged: [],
    mountsSeen: RUNNER_MOUNTS,
    wroteThroughMounts: [],
    refusalsWithoutRecord: [],
    refusedButOnHost: [],
    recordsWithoutReason: [],
    refusalsNotInLog: [],
    unloggedNotCounted: 0,
    refusalsNotInSummary: [],
    refusalsNotInReport: [],
    legit: LEGIT_ON_HOST,
    legitRecordsMissing: [],
    outsideDirChanged: [],
    hostFile: 'host\n 0',
    fill: { stoppedByTheBound: true, underHalfOfWhatItTried: true },
    recordUploaded: [],
    fired: [],
    laterCommit: `${scene.headBefore} a later step`
  }
}
