// What the OpenTelemetry export costs a run: the built action (main + post, docker backend, warm
// tool cache) on the scripted 2-turn task, alternating per round (the order rotated each round):
//   (a) the build before any telemetry code (commit e767df1's dist/, extracted with git archive),
//   (b) the current build with no endpoint set (the SDK must not load),
//   (c) the current build with OTEL_EXPORTER_OTLP_ENDPOINT on a loopback OTLP receiver (http/protobuf,
//       the default): the SDK loads at the run's start and the run is exported at the end of main.
// Per configuration: the whole run (timed from outside), the main and post steps' own wall (phases.json's
// `steps`: each node process from its start), main's tail (from its last write to GITHUB_OUTPUT, the
// outputs set, to its process's exit: a preloaded module notes both; the export happens in it), and for
// (c) the export's own time from its log line (`... sent to <origin> in X ms`: exporters loaded, spans
// and metrics made, both requests answered). Differences are given of the medians and as the median of
// each round's difference (less moved by a machine whose load drifts).
// Then, outside the action: which chunk files each step loaded (a module-load hook on the warm-up run
// of each configuration), the SDK's load cost alone in a fresh node process (the chunks main imports
// when an endpoint is set, loaded and evaluated as the bundle's runtime does, then a first and a
// second export to the same receiver: the first also loads the protobuf exporters' chunks), and each
// build's main and post started with no inputs (they stop at once: node's start and the bundle's load).
// The current build is copied at the start (a rebuild during the run does not mix builds); with
// BB_CURRENT=<commit>, that commit's dist/ is taken instead of the working tree's, with
// BB_CURRENT=<a directory holding main/ and post/>, that build.
// Usage: npm run build && node bench/telemetry.mjs [rounds]   (default 5)
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { startAnthropicDouble } from '../test/harness/anthropic-double.mjs'
import { startNpmRegistryDouble } from '../test/harness/npm-registry-double.mjs'
import { startOtlpReceiver } from '../test/harness/otlp-receiver.mjs'
import { claudePackage } from '../test/harness/paths.mjs'
import { runAction } from '../test/harness/run-action.mjs'
import { actionRunner, benchInputs, fmt, harness, KEY, median, scenario } from './action-run.mjs'

const BEFORE = 'e767df1'
const LOAD_CHILD = '--load-child'
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const ms = v => `${Math.round(v)} ms`
const signed = v => `${Math.round(v) >= 0 ? '+' : '−'}${Math.abs(Math.round(v))} ms`
const spread = xs => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`

/**
 * In a fresh node process: the chunks the current main imports when an endpoint is set, loaded and
 * evaluated the way ncc's runtime does it (import() of each chunk file, then the module's factory
 * and its dependencies), then two exports of a small run to `receiverUrl`. Prints one JSON line.
 */
async function loadChild(distMain, receiverUrl) {
  const read = f => fs.readFileSync(path.join(distMain, f), 'utf8')
  const index = read('index.js')
  const chunkFiles = fs.readdirSync(distMain).filter(f => /^\d+\.index\.js$/.test(f))
  const sdkFile = chunkFiles.find(f => read(f).includes('exportRun: () =>'))
  if (!sdkFile) throw new Error(`no chunk of ${distMain} exports exportRun`)
  const sdkChunk = /export const id = (\d+);/.exec(read(sdkFile))[1]
  // the import() in index.js that loads it: Promise.all([e(x), e(y)]).then(bind(require, moduleId))
  const site = [...index.matchAll(/Promise\.all\(\/\* import\(\) \*\/\[([^\]]*)\]\)\.then\(__nccwpck_require__\.bind\(__nccwpck_require__, (\d+)\)\)/g)].find(
    m => m[1].includes(`.e(${sdkChunk})`)
  )
  if (!site) throw new Error(`no import() of chunk ${sdkChunk} in index.js`)
  const startChunks = [...site[1].matchAll(/\.e\((\d+)\)/g)].map(m => m[1])
  // node's modules that index.js holds as externals (the chunks refer to them by id)
  const externals = new Map(
    [
      ...index.matchAll(
        /\/\*\*\*\/ (\d+):\n\/\*\*\*\/ \(\(module\) => \{\n\nmodule\.exports = __WEBPACK_EXTERNAL_createRequire\(import\.meta\.url\)\("([^"]+)"\)/g
      )
    ].map(m => [m[1], m[2]])
  )
  const nodeRequire = createRequire(import.meta.url)
  const modules = {}
  const cache = {}
  const loaded = new Map()
  const stubbed = new Set()
  const req = id => {
    if (cache[id]) return cache[id].exports
    const factory = modules[id]
    if (!factory) {
      if (externals.has(String(id))) return nodeRequire(externals.get(String(id)))
      stubbed.add(String(id)) // one of index.js's own modules (not the SDK's): not loaded here
      return {}
    }
    const module = (cache[id] = { exports: {} })
    factory.call(module.exports, module, module.exports, req)
    return module.exports
  }
  req.r = exports => {
    Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' })
    Object.defineProperty(exports, '__esModule', { value: true })
  }
  req.d = (exports, getters) => {
    for (const k of Object.keys(getters)) if (!Object.hasOwn(exports, k)) Object.defineProperty(exports, k, { enumerable: true, get: getters[k] })
  }
  req.o = (o, k) => Object.hasOwn(o, k)
  req.n = m => {
    const get = m?.__esModule ? () => m.default : () => m
    req.d(get, { a: get })
    return get
  }
  req.t = function (value, mode) {
    let v = value
    if (mode & 1) v = this(v)
    if (mode & 8) return v
    if (typeof v === 'object' && v) {
      if (mode & 4 && v.__esModule) return v
      if (mode & 16 && typeof v.then === 'function') return v
    }
    const ns = Object.create(null)
    req.r(ns)
    const getters = {}
    if (mode & 2 && typeof v === 'object' && v)
      for (let o = v; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) for (const k of Object.getOwnPropertyNames(o)) getters[k] ??= () => v[k]
    getters.default = () => v
    req.d(ns, getters)
    return ns
  }
  req.e = chunk => {
    const id = String(chunk)
    if (!loaded.has(id))
      loaded.set(
        id,
        import(pathToFileURL(path.join(distMain, `${id}.index.js`)).href).then(m => {
          for (const [k, f] of Object.entries(m.modules)) modules[k] ??= f
        })
      )
    return loaded.get(id)
  }
  const moduleId = site[2]

  const t0 = performance.now()
  await Promise.all(startChunks.map(c => req.e(c)))
  const t1 = performance.now()
  const sdk = req(moduleId)
  const t2 = performance.now()
  const atStart = [...loaded.keys()]

  const now = Date.now()
  const span = (key, parent, name, from, to) => ({
    key,
    parent,
    name,
    kind: 'internal',
    startMs: now - from,
    endMs: now - to,
    attributes: { 'bench.key': key },
    events: []
  })
  const spans = [span('run', undefined, 'bot-bottle run', 9000, 0)]
  for (let i = 0; i < 10; i++) spans.push(span(`p${i}`, 'run', `phase ${i}`, 9000 - 900 * i, 8100 - 900 * i))
  const metrics = [
    { name: 'bench.tokens', kind: 'counter', unit: '{token}', description: 'tokens', points: [{ value: 1200, attributes: { kind: 'input' } }] },
    { name: 'bench.duration', kind: 'histogram', unit: 's', description: 'run', points: [{ value: 9, attributes: {} }] }
  ]
  const cfg = {
    protocol: 'http/protobuf',
    tracesUrl: `${receiverUrl}/v1/traces`,
    metricsUrl: `${receiverUrl}/v1/metrics`,
    headers: {},
    serviceName: 'bench',
    resource: {},
    content: false
  }
  const exportOnce = async () => {
    const s = performance.now()
    const r = await sdk.exportRun(cfg, { 'service.name': 'bench' }, spans, metrics, 'bench', 2000)
    if (r.problem) throw new Error(`export: ${r.problem}`)
    return performance.now() - s
  }
  const first = await exportOnce()
  const atExport = [...loaded.keys()].filter(c => !atStart.includes(c))
  const second = await exportOnce()
  const bytes = cs => cs.reduce((n, c) => n + fs.statSync(path.join(distMain, `${c}.index.js`)).size, 0)
  console.log(
    JSON.stringify({
      importMs: t1 - t0,
      evalMs: t2 - t1,
      firstExportMs: first,
      secondExportMs: second,
      atStart,
      atStartBytes: bytes(atStart),
      atExport,
      atExportBytes: bytes(atExport),
      stubbed: [...stubbed]
    })
  )
}

/** Each step's chunk files, from a load hook's log (`pid url` lines): { main: [...], post: [...] }. */
function loadedChunks(logFile) {
  const byPid = new Map()
  for (const line of fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : []) {
    const [pid, url] = line.split(' ')
    if (url?.startsWith('file:')) (byPid.get(pid) ?? byPid.set(pid, []).get(pid)).push(new URL(url).pathname)
  }
  const out = {}
  for (const files of byPid.values()) {
    const step = /\/(main|post)\/index\.js$/.exec(files[0] ?? '')?.[1]
    if (step) out[step] = files.filter(f => /\/\d+\.index\.js$/.test(f)).map(f => path.basename(f, '.index.js'))
  }
  return out
}

async function bench() {
  const ROUNDS = Number(process.argv[2] ?? 5)
  const LOADS = 2 * ROUNDS + 1
  harness(root)
  const git = (...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim()
  const head = git('rev-parse', '--short', 'HEAD')
  const currentEnv = process.env.BB_CURRENT
  const currentDir = currentEnv && fs.existsSync(path.join(currentEnv, 'main', 'index.js')) ? path.resolve(currentEnv) : undefined
  const currentRef = currentDir ? undefined : currentEnv
  const current = currentDir
    ? currentDir
    : currentRef
      ? `${currentRef} (${git('rev-parse', '--short', currentRef)})'s dist`
      : `the working tree's dist (${git('status', '--porcelain', '--', 'dist') ? 'differs from' : 'as in'} HEAD ${head})`
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-telemetry-'))
  fs.chmodSync(work, 0o755)
  const extract = (ref, dir) => {
    fs.mkdirSync(dir)
    execFileSync('bash', ['-c', `git -C "${root}" archive "${ref}" dist | tar -x -C "${dir}"`])
    return path.join(dir, 'dist')
  }
  const dists = {
    a: extract(BEFORE, path.join(work, 'before')),
    b: currentRef ? extract(currentRef, path.join(work, 'current')) : path.join(work, 'current', 'dist')
  }
  if (!currentRef) fs.cpSync(currentDir ?? path.join(root, 'dist'), dists.b, { recursive: true })
  // the load hook for the warm-up runs: every file the step's node process imports, one line each
  const hooks = path.join(work, 'load-hooks.mjs')
  const register = path.join(work, 'load-register.mjs')
  fs.writeFileSync(
    hooks,
    "import fs from 'node:fs'\nexport async function load(url, context, next) {\n  if (url.startsWith('file:')) fs.appendFileSync(process.env.BB_LOAD_LOG, `${process.pid} ${url}\\n`)\n  return next(url, context)\n}\n"
  )
  fs.writeFileSync(register, `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hooks).href)})\n`)
  // preloaded into every timed run's steps: when the step last wrote GITHUB_OUTPUT (@actions/core's setOutput
  // appends to it) and when its process exited, both in ms since its start; main's exit minus its last output
  // is its tail: the export (c), the phase record, and whatever keeps the process alive
  const tailPreload = path.join(work, 'tail-preload.mjs')
  fs.writeFileSync(
    tailPreload,
    [
      "import fs from 'node:fs'",
      'const append = fs.appendFileSync',
      'let last',
      'fs.appendFileSync = function (file, ...rest) {',
      '  if (file === process.env.GITHUB_OUTPUT) last = performance.now()',
      '  return append.call(this, file, ...rest)',
      '}',
      "process.on('exit', () => last !== undefined && append(process.env.BB_TAIL_LOG, `${process.pid} ${last} ${performance.now()}\\n`))",
      ''
    ].join('\n')
  )

  const registry = await startNpmRegistryDouble({ packages: [claudePackage()] })
  const receiver = await startOtlpReceiver()
  const { workspace } = actionRunner(work, registry.url)
  const toolCache = path.join(work, 'tool-cache')
  const kinds = {
    a: { label: `(a) ${BEFORE}, no telemetry code`, dist: dists.a, env: {} },
    b: { label: '(b) current, no endpoint', dist: dists.b, env: {} },
    c: { label: '(c) current, OTLP endpoint (loopback, protobuf)', dist: dists.b, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } }
  }
  let runs = 0
  /** One run of `kind`: its wall and each step's, and the export's line (c). */
  const runOnce = async (kind, extraEnv) => {
    const k = kinds[kind]
    const tailLog = path.join(work, `tail-${runs + 1}.log`)
    extraEnv ??= { NODE_OPTIONS: `--import=${pathToFileURL(tailPreload).href}`, BB_TAIL_LOG: tailLog }
    const ws = workspace()
    const api = await startAnthropicDouble(scenario(ws), { expectedKey: KEY })
    const requestsBefore = receiver.requests.length
    const t0 = performance.now()
    const r = await runAction({
      inputs: benchInputs(api.url, registry.url, ws),
      runnerTemp: path.join(work, `rt-${++runs}`),
      toolCache,
      dist: k.dist,
      env: { ...k.env, ...extraEnv }
    })
    const wall = performance.now() - t0
    await api.close()
    if (r.outputs.conclusion !== 'success') throw new Error(`${k.label}: bottle run failed: ${r.main.stdout}${r.main.stderr}`)
    const record = JSON.parse(fs.readFileSync(path.join(r.outputs['transcript-dir'], 'phases.json'), 'utf8'))
    const sent = /OpenTelemetry: (\d+) spans and (\d+) metrics sent to (\S+) in (\d+) ms/.exec(r.main.stdout)
    const otelLines = r.main.stdout.split('\n').filter(l => /OpenTelemetry/.test(l))
    if (kind === 'c') {
      if (!sent) throw new Error(`${k.label}: no export line in the log: ${otelLines.join(' | ') || '(no OpenTelemetry line)'}`)
      if (receiver.requests.length - requestsBefore !== 2 || receiver.problems.length)
        throw new Error(
          `${k.label}: the receiver got ${receiver.requests.length - requestsBefore} requests; problems: ${receiver.problems.join('; ') || 'none'}`
        )
    } else if (otelLines.length || receiver.requests.length !== requestsBefore)
      throw new Error(`${k.label}: telemetry without an endpoint: ${otelLines.join(' | ')}`)
    const [, last, exit] = fs.existsSync(tailLog) ? fs.readFileSync(tailLog, 'utf8').split('\n')[0].split(' ').map(Number) : []
    return {
      wall,
      main: record.steps.main,
      post: record.steps.post,
      phases: Object.fromEntries(record.phases.map(p => [p.phase, p.ms])),
      tail: exit - last,
      exportMs: sent ? Number(sent[4]) : undefined,
      counts: sent && `${sent[1]} spans, ${sent[2]} metrics`
    }
  }

  const res = { a: [], b: [], c: [] }
  const chunks = {}
  const loads = []
  const quick = { a: { main: [], post: [] }, b: { main: [], post: [] } }
  let counts = ''
  try {
    // warm-up (tool cache, page cache), one per configuration, each with the load hook
    for (const kind of Object.keys(kinds)) {
      const log = path.join(work, `loads-${kind}.log`)
      await runOnce(kind, { NODE_OPTIONS: `--import=${pathToFileURL(register).href}`, BB_LOAD_LOG: log })
      chunks[kind] = loadedChunks(log)
    }
    for (let i = 0; i < ROUNDS; i++) {
      const order = Object.keys(kinds)
      for (let j = 0; j < i % order.length; j++) order.push(order.shift())
      for (const kind of order) {
        const r = await runOnce(kind)
        res[kind].push(r)
        counts = r.counts ?? counts
        console.log(
          `round ${i + 1} ${kind}: ${fmt(r.wall)} (main ${r.main} ms, post ${r.post} ms, tail ${Math.round(r.tail)} ms${r.exportMs === undefined ? '' : `, export ${r.exportMs} ms`})`
        )
      }
    }
    // the SDK's load alone, each in a fresh node process (asynchronously: the receiver answers from this one)
    for (let i = 0; i < LOADS; i++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [new URL(import.meta.url).pathname, LOAD_CHILD, path.join(dists.b, 'main'), receiver.url],
        {
          encoding: 'utf8',
          timeout: 60_000
        }
      )
      loads.push(JSON.parse(stdout.trim().split('\n').at(-1)))
    }
    if (receiver.problems.length) throw new Error(`receiver problems: ${receiver.problems.join('; ')}`)
    // each build's steps with no inputs: main stops at its first input check, post finds no state
    const bare = fs.mkdtempSync(path.join(work, 'bare-'))
    for (let i = 0; i < LOADS; i++)
      for (const kind of i % 2 ? ['b', 'a'] : ['a', 'b'])
        for (const step of ['main', 'post']) {
          const t0 = performance.now()
          try {
            execFileSync(process.execPath, [path.join(dists[kind], step, 'index.js')], {
              cwd: bare,
              env: { PATH: process.env.PATH, HOME: process.env.HOME },
              stdio: 'ignore'
            })
          } catch (e) {
            if (step !== 'main' || e.status !== 1) throw e // main fails its input check (exit 1); nothing else may fail
          }
          quick[kind][step].push(performance.now() - t0)
        }
  } finally {
    await registry.close()
    await receiver.close()
    fs.rmSync(work, { recursive: true, force: true })
  }

  const col = (kind, f) => res[kind].map(f)
  const med = (kind, f) => median(col(kind, f))
  const measures = [r => r.wall, r => r.main, r => r.post, r => r.tail]
  // per round, each pair ran minutes apart at most: the median of the rounds' differences is less moved by the machine's drift
  const paired = (x, y, f) => median(res[x].map((r, i) => f(r) - f(res[y][i])))
  console.log('')
  console.log(
    `\`${currentEnv ? `BB_CURRENT=${currentEnv} ` : ''}node bench/telemetry.mjs ${ROUNDS}\`: current build = ${current}; node ${process.version}, ${os.cpus().length} cores`
  )
  console.log(`${ROUNDS} rounds, medians (min–max):`)
  console.log('')
  console.log("| configuration | whole run (main + post) | main step | post step | main's tail (outputs set → exit) | export (its log line) |")
  console.log('|---|---|---|---|---|---|')
  for (const kind of ['a', 'b', 'c']) {
    const exp = kind === 'c' ? `${ms(med('c', r => r.exportMs))} (${spread(col('c', r => r.exportMs))}; ${counts})` : '—'
    console.log(`| ${kinds[kind].label} | ${measures.map(f => `${ms(med(kind, f))} (${spread(col(kind, f))})`).join(' | ')} | ${exp} |`)
  }
  for (const [x, y] of [
    ['b', 'a'],
    ['c', 'b']
  ]) {
    console.log(`| **${x} − ${y}** (of the medians) | ${measures.map(f => signed(med(x, f) - med(y, f))).join(' | ')} | |`)
    console.log(`| **${x} − ${y}** (median of the rounds' differences) | ${measures.map(f => signed(paired(x, y, f))).join(' | ')} | |`)
  }
  console.log('')
  console.log(`Each phase (phases.json), medians; the differences are medians of the rounds' differences (the SDK loads during the first phases in c):`)
  console.log('')
  console.log('| phase | a | b | c | b − a | c − b |')
  console.log('|---|---|---|---|---|---|')
  for (const phase of Object.keys(res.b[0].phases)) {
    const f = r => r.phases[phase] ?? 0
    console.log(`| ${phase} | ${['a', 'b', 'c'].map(k => ms(med(k, f))).join(' | ')} | ${signed(paired('b', 'a', f))} | ${signed(paired('c', 'b', f))} |`)
  }
  console.log('')
  console.log('Chunk files each step loaded (warm-up runs, module-load hook):')
  for (const kind of ['a', 'b', 'c'])
    console.log(`- ${kinds[kind].label}: main ${chunks[kind].main?.join(', ') || 'none'}; post ${chunks[kind].post?.join(', ') || 'none'}`)
  console.log('')
  const l = f => median(loads.map(f))
  const ls = f => spread(loads.map(f))
  const first = loads[0]
  console.log(`The SDK alone in a fresh node process, ${LOADS} processes, medians (min–max):`)
  console.log('')
  console.log('| what | ms |')
  console.log('|---|---|')
  console.log(
    `| import() of chunks ${first.atStart.join(' + ')} (${Math.round(first.atStartBytes / 1024)} KiB) | ${ms(l(x => x.importMs))} (${ls(x => x.importMs)}) |`
  )
  console.log(`| evaluating the export module and what it imports | ${ms(l(x => x.evalMs))} (${ls(x => x.evalMs)}) |`)
  console.log(
    `| first export (loads chunks ${first.atExport.join(' + ')}, ${Math.round(first.atExportBytes / 1024)} KiB; 11 spans, 2 metrics) | ${ms(l(x => x.firstExportMs))} (${ls(x => x.firstExportMs)}) |`
  )
  console.log(`| second export, same process | ${ms(l(x => x.secondExportMs))} (${ls(x => x.secondExportMs)}) |`)
  if (first.stubbed.length) console.log(`(index.js's own modules ${first.stubbed.join(', ')} stubbed as {}: the chunks import them from the main bundle)`)
  console.log('')
  console.log(
    `Each build's steps started with no inputs (node's start and the bundle's load; main stops at its first input check), ${LOADS} each, medians (min–max):`
  )
  console.log('')
  console.log('| build | main | post |')
  console.log('|---|---|---|')
  for (const kind of ['a', 'b'])
    console.log(
      `| ${kind === 'a' ? BEFORE : 'current'} | ${ms(median(quick[kind].main))} (${spread(quick[kind].main)}) | ${ms(median(quick[kind].post))} (${spread(quick[kind].post)}) |`
    )
  console.log(`| **current − ${BEFORE}** | ${signed(median(quick.b.main) - median(quick.a.main))} | ${signed(median(quick.b.post) - median(quick.a.post))} |`)
}

if (process.argv[2] === LOAD_CHILD) await loadChild(process.argv[3], process.argv[4])
else await bench()
