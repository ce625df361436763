/**
 * What a smolvm guest can reach on the runner besides the bottle's daemons (smolvm relays its
 * gateway to every loopback port): named in the log, and a smolvm API there is refused. Read from
 * the real lsof and the real /proc/net of this machine, with listeners the test starts.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net, { type AddressInfo } from 'node:net'
import { loopbackListeners, loopbackVerdict, parseLsof, parseProcNetTcp } from '../../src/backend/smolvm/loopback-listeners.js'
import { runCommand } from '../../src/util/process.js'

/** A listener on 127.0.0.1 in a process whose name is `name` (node run through a link of that name: what lsof shows as its command). */
async function childListener(name: string): Promise<{ port: number; child: ChildProcess }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-loopback-'))
  fs.symlinkSync(process.execPath, path.join(dir, name))
  const child = spawn(path.join(dir, name), ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port))"], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  child.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }))
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', d => resolve(Number(String(d).trim())))
    child.once('exit', code => reject(new Error(`listener exited ${code}`)))
  })
  return { port, child }
}

describe('what a smolvm guest reaches on the runner loopback', () => {
  it('finds a service listening on 127.0.0.1 with the real lsof, and names it', async () => {
    if ((await runCommand('lsof', ['-v']).catch(() => ({ code: -1 }))).code === -1)
      throw new Error("lsof missing: run 'bash test/harness/host-tools.sh' (installs Debian's lsof)")
    const server = net.createServer()
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
    const port = (server.address() as AddressInfo).port
    try {
      const found = await loopbackListeners()
      expect(found).toEqual(expect.arrayContaining([expect.objectContaining({ address: '127.0.0.1', port })]))
      expect(loopbackVerdict(found)).toMatch(new RegExp(`the guest can reach these services on the runner's loopback .*127\\.0\\.0\\.1:${port}`))
    } finally {
      server.close()
    }
  })

  it('finds the same listener from /proc/net when lsof is missing', async () => {
    const server = net.createServer()
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
    const port = (server.address() as AddressInfo).port
    try {
      const noLsof = () => Promise.reject(Object.assign(new Error('spawn lsof ENOENT'), { code: 'ENOENT' }))
      expect(await loopbackListeners(noLsof)).toEqual(expect.arrayContaining([{ address: '127.0.0.1', port }]))
    } finally {
      server.close()
    }
  })

  it('refuses to run when smolvm serve listens there (its API creates machines with host mounts)', async () => {
    const { port, child } = await childListener('smolvm')
    try {
      const found = await loopbackListeners((c, a) => runCommand(c, a, { timeoutMs: 10_000 }))
      expect(() => loopbackVerdict(found)).toThrow(new RegExp(`smolvm: smolvm listens on 127\\.0\\.0\\.1:${port} on this runner.*Stop \`smolvm serve\``))
    } finally {
      child.kill()
    }
  })

  it("takes lsof's exit 1 with no output as 'nothing listens', and a machine without /proc or lsof as nothing to name", async () => {
    const nothing = () => Promise.resolve({ code: 1, stdout: '', stderr: '' })
    expect(await loopbackListeners(nothing, '/nonexistent')).toEqual([])
    const noLsof = () => Promise.reject(Object.assign(new Error('spawn lsof ENOENT'), { code: 'ENOENT' }))
    expect(await loopbackListeners(noLsof, '/nonexistent')).toEqual([])
  })

  it('parses lsof and /proc/net formats: loopback and wildcards count, other addresses do not', () => {
    const lsof = ['p10', 'csshd', 'n*:22', 'p11', 'cpostgres', 'n127.0.0.1:5432', 'n[::1]:5432', 'p12', 'cweb', 'n10.0.0.5:8080', 'n0.0.0.0:8081'].join('\n')
    expect(parseLsof(lsof)).toEqual([
      { address: '*', port: 22, command: 'sshd' },
      { address: '127.0.0.1', port: 5432, command: 'postgres' },
      { address: '0.0.0.0', port: 8081, command: 'web' }
    ])
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1',
      '   1: 0500000A:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2',
      '   2: 0100007F:1F92 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 3'
    ].join('\n')
    expect(parseProcNetTcp(tcp, false)).toEqual([{ address: '127.0.0.1', port: 8080 }])
  })
})
