// A git smart-HTTP server like GitHub's for one private repository: real `git http-backend`
// (CGI) behind a loopback HTTP server that demands `Authorization: Basic x-access-token:<token>`
// (401 with WWW-Authenticate otherwise, as GitHub answers), and records every request.
// `protect(repo, refs)` makes the upstream refuse updates of those refs the way branch
// protection does: the push reaches the server and its report-status says, per ref,
// `ng <ref> hook declined` (real git's words from an update hook; GitHub's are "protected
// branch hook declined"), with GH006 on the side band; the other refs of the push go through.
// Not modelled: GitHub's rulesets and required checks (a ref is protected or not), token
// scopes and per-repository permissions (one token may do everything), LFS, the dumb HTTP
// protocol, rate limits and secondary rate limits, push size limits, and repository redirects.
import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'

/**
 * @param {{ root: string, token: string }} opts root holds bare repos (e.g. acme/widgets.git)
 */
export async function startGitHttpDouble({ root, token }) {
  const requests = []
  const expected = Buffer.from(`x-access-token:${token}`).toString('base64')
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double')
    // the scheme is case-insensitive (actions/checkout sends `basic`)
    const authorized = /^basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] === expected
    requests.push({
      method: req.method,
      path: url.pathname,
      service: url.searchParams.get('service') ?? url.pathname.split('/').pop(),
      authorized,
      headers: req.headers
    })
    if (!authorized) {
      req.resume()
      res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' })
      return res.end('Invalid username or token.\n')
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: 'x-access-token', // lets http-backend accept receive-pack
        REQUEST_METHOD: req.method,
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {})
      }
    })
    req.pipe(cgi.stdin)
    const out = []
    cgi.stdout.on('data', c => out.push(c))
    cgi.on('close', () => {
      const all = Buffer.concat(out)
      const split = all.indexOf('\r\n\r\n') >= 0 ? all.indexOf('\r\n\r\n') : all.indexOf('\n\n')
      const sep = all.indexOf('\r\n\r\n') >= 0 ? 4 : 2
      const head = all.subarray(0, split).toString('latin1')
      let status = 200
      const headers = {}
      for (const line of head.split(/\r?\n/)) {
        const m = /^([^:]+):\s*(.*)$/.exec(line)
        if (!m) continue
        if (m[1].toLowerCase() === 'status') status = Number(m[2].split(' ')[0])
        else headers[m[1]] = m[2]
      }
      res.writeHead(status, headers)
      res.end(all.subarray(split + sep))
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** refuses updates of `refs` in `repo` as branch protection does (an update hook in the bare repo) */
    protect: (repo, refs) => {
      const hook = path.join(root, repo, 'hooks', 'update')
      fs.mkdirSync(path.dirname(hook), { recursive: true })
      fs.writeFileSync(
        hook,
        `#!/bin/sh\ncase " ${refs.join(' ')} " in *" $1 "*) echo "error: GH006: Protected branch update failed for $1." >&2; exit 1;; esac\nexit 0\n`,
        { mode: 0o755 }
      )
    },
    /** `git` on a bare repo of the double, e.g. git('acme/widgets.git', 'rev-parse', 'main') */
    git: (repo, ...args) => execFileSync('git', ['--git-dir', `${root}/${repo}`, ...args], { encoding: 'utf8' }).trim(),
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(resolve)
      })
  }
}

/**
 * The double serving acme/widgets.git (one commit on main) from `dir`/srv, and `checkout(ws)`:
 * a clone as actions/checkout leaves it (origin over http, the token in an extraheader,
 * owned by the runner's uid 1001). Async throughout: the double serves from this process.
 */
export async function startSeededGitHttpDouble({ dir, token }) {
  const bare = path.join(dir, 'srv', 'acme', 'widgets.git')
  execFileSync('git', ['init', '--bare', '-q', '-b', 'main', bare])
  const seed = path.join(dir, 'seed')
  execFileSync('git', ['init', '-q', '-b', 'main', seed])
  fs.writeFileSync(path.join(seed, 'README.md'), '# widgets\n')
  execFileSync('git', ['-C', seed, 'add', '.'])
  execFileSync('git', ['-C', seed, '-c', 'user.name=s', '-c', 'user.email=s@x', 'commit', '-qm', 'seed'])
  execFileSync('git', ['-C', seed, 'push', '-q', bare, 'main'])
  const double = await startGitHttpDouble({ root: path.join(dir, 'srv'), token })
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
  const checkout = async ws => {
    await new Promise((resolve, reject) => {
      const git = spawn('git', ['-c', `http.extraheader=AUTHORIZATION: basic ${basic}`, 'clone', '-q', `${double.url}/acme/widgets.git`, ws], {
        stdio: 'inherit'
      })
      git.on('error', reject)
      git.on('close', code => (code === 0 ? resolve() : reject(new Error(`git clone exited ${code}`))))
    })
    execFileSync('git', ['-C', ws, 'config', `http.${double.url}/.extraheader`, `AUTHORIZATION: basic ${basic}`])
    execFileSync('chown', ['-R', '1001:1001', ws])
  }
  return { ...double, basic, checkout }
}

/**
 * For an e2e suite (after its e2eSuite call): registers beforeAll/afterAll that start the seeded
 * double in suite.dir and make the checkout suite.dir/workspace. Fields are set once beforeAll ran.
 */
export function seededCheckoutForSuite(suite, token) {
  /** @type {{ double: Awaited<ReturnType<typeof startSeededGitHttpDouble>> | undefined, ws: string }} */
  const state = { double: undefined, ws: '' }
  beforeAll(async () => {
    state.double = await startSeededGitHttpDouble({ dir: suite.dir, token })
    state.ws = path.join(suite.dir, 'workspace')
    await state.double.checkout(state.ws)
  })
  afterAll(async () => state.double?.close())
  return state
}
