// The smolvm guest image made into an archive, two ways side by side in one run (issue 26):
//   fetch  = the action's own OCI client (no docker): tag resolved, index resolved to the
//            platform, every blob checked as it streams, a docker-save archive written
//   docker = `docker pull` + `docker save` (the way before, which needed docker on the runner)
// from the same real registry on loopback (docker-registry, TLS, token auth) holding the test
// guest image. cold = nothing cached (the archive cache empty; for docker the image removed
// first); warm = what a later run does (fetch: the tag resolved and the cached archive found;
// docker: `docker image inspect` finds it and the archive is cached by image ID).
// Usage: npm run build && node bench/image-fetch.mjs [rounds]   (default 3)
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pullImageArchive } from '../lib/oci/pull-image.js'
import { pushDockerArchive, startRegistry } from '../test/harness/oci-registry.mjs'
import { GUEST_IMAGE } from '../test/harness/paths.mjs'

const ROUNDS = Number(process.argv[2] ?? 3)
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-image-fetch-'))
const reg = await startRegistry()
const certsDir = `/etc/docker/certs.d/${reg.host}`
const dockerConfig = path.join(work, 'docker-config')
const ms = t => Number(process.hrtime.bigint() - t) / 1e6
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
// async: the registry's token server answers from this process, which a synchronous exec would block
const docker = async (...a) => (await promisify(execFile)('docker', ['--config', dockerConfig, ...a], { encoding: 'utf8' })).stdout

try {
  const saved = path.join(work, 'guest.tar')
  execFileSync('docker', ['save', '--output', saved, GUEST_IMAGE])
  await pushDockerArchive(reg, 'bench/guest', 'v1', saved)
  fs.rmSync(saved)
  const image = `${reg.host}/bench/guest:v1`
  // docker trusts the registry's CA for this host only, and logs in with its own config dir
  fs.mkdirSync(certsDir, { recursive: true })
  fs.copyFileSync(reg.caFile, path.join(certsDir, 'ca.crt'))
  fs.mkdirSync(dockerConfig)
  await new Promise((resolve, reject) => {
    const c = execFile('docker', ['--config', dockerConfig, 'login', '-u', reg.username, '--password-stdin', reg.host], err => (err ? reject(err) : resolve()))
    c.stdin.end(reg.password)
  })
  const opts = {
    login: { username: reg.username, password: reg.password },
    ca: [fs.readFileSync(reg.caFile, 'utf8')],
    platform: { os: 'linux', architecture: 'amd64' }
  }

  const rows = { fetchCold: [], fetchWarm: [], dockerCold: [], dockerWarm: [] }
  let size = 0
  for (let i = 0; i < ROUNDS; i++) {
    const cache = path.join(work, `cache-${i}`)
    let t = process.hrtime.bigint()
    const got = await pullImageArchive(image, cache, opts)
    rows.fetchCold.push(ms(t))
    size = fs.statSync(got.archive).size
    t = process.hrtime.bigint()
    const again = await pullImageArchive(image, cache, opts)
    rows.fetchWarm.push(ms(t))
    if (!again.cached) throw new Error('the warm fetch did not find its archive')
    fs.rmSync(cache, { recursive: true })

    const dcache = path.join(work, `dcache-${i}`)
    fs.mkdirSync(dcache)
    try {
      await docker('rmi', image)
    } catch {}
    t = process.hrtime.bigint()
    await docker('pull', '-q', image)
    const id = (await docker('image', 'inspect', '--format', '{{.Id}}', image)).trim().replace('sha256:', '')
    await docker('save', '--output', path.join(dcache, `${id}.tar`), image)
    rows.dockerCold.push(ms(t))
    t = process.hrtime.bigint()
    const id2 = (await docker('image', 'inspect', '--format', '{{.Id}}', image)).trim().replace('sha256:', '')
    if (!fs.existsSync(path.join(dcache, `${id2}.tar`))) throw new Error('no cached docker archive')
    rows.dockerWarm.push(ms(t))
    fs.rmSync(dcache, { recursive: true })
    await docker('rmi', image)
  }
  const f = x => `${(median(x) / 1000).toFixed(2)} s`
  console.log(`image ${GUEST_IMAGE} (archive ${(size / 1048576).toFixed(0)} MiB), ${ROUNDS} rounds, medians:`)
  console.log('| way | cold | warm |')
  console.log('|---|---|---|')
  console.log(`| the action's fetch (no docker) | ${f(rows.fetchCold)} | ${f(rows.fetchWarm)} |`)
  console.log(`| docker pull + docker save | ${f(rows.dockerCold)} | ${f(rows.dockerWarm)} |`)
  console.log(`ratio cold fetch/docker: ${(median(rows.fetchCold) / median(rows.dockerCold)).toFixed(2)}`)
} finally {
  fs.rmSync(certsDir, { recursive: true, force: true })
  await reg.close()
  fs.rmSync(work, { recursive: true, force: true })
}
