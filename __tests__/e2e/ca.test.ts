/**
 * ca-certificates: a model API behind TLS signed by a private CA. The model proxy trusts the
 * CA for its upstream (the run only succeeds if it does), and in the guest the CA is in the
 * system store and in every TLS client's variable: curl reaches an HTTPS host signed by it.
 */
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { startAnthropicDouble } from '../../test/harness/anthropic-double.mjs'
import { runAction } from '../../test/harness/run-action.mjs'
import { makeTestCa } from '../../test/harness/test-ca.mjs'
import { e2eSuite, makeWorkspace, visibleLog } from './helpers.js'

const KEY = 'sk-ant-api03-ca-e2e-0123456789'

describe('ca-certificates', () => {
  const suite = e2eSuite('e2e-ca')
  const ca = makeTestCa()
  afterAll(() => fs.rmSync(ca.dir, { recursive: true, force: true }))

  it('the model proxy and the guest trust the private CA', async () => {
    const ws = makeWorkspace(path.join(suite.dir, 'ws'), 1001)
    const input = { command: '', description: 'tls' } // set below, once the TLS front's port is known
    const api = await startAnthropicDouble({ turns: [{ tool_use: { name: 'Bash', input } }, { text: 'done' }] }, { expectedKey: KEY })
    // TLS in front of the API double, with a certificate only the test CA vouches for
    const front = https.createServer({ cert: ca.cert, key: ca.key }, (req, res) => {
      if (req.url === '/healthz') return res.end('tls ok\n')
      const target = new URL(api.url)
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        ures => {
          res.writeHead(ures.statusCode ?? 502, ures.headers)
          ures.pipe(res)
        }
      )
      req.pipe(up)
    })
    await new Promise<void>(r => front.listen(0, '127.0.0.1', () => r()))
    const port = (front.address() as AddressInfo).port
    const cmd = [
      `curl -sS --max-time 5 --noproxy '' -x "$HTTPS_PROXY" https://localhost:${port}/healthz > tls.txt 2>&1`,
      'env | grep -E "^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|GIT_SSL_CAINFO|CURL_CA_BUNDLE|REQUESTS_CA_BUNDLE)=" | sort > ca-env.txt',
      `grep -qF "${ca.ca.split('\n')[1]}" /etc/ssl/certs/ca-certificates.crt && echo in-system-store > store.txt`,
      `grep -qF "${ca.ca.split('\n')[1]}" "$SSL_CERT_FILE" && grep -c "BEGIN CERTIFICATE" "$SSL_CERT_FILE" >> store.txt`,
      'true'
    ].join('; ')
    input.command = cmd
    try {
      const r = await runAction({
        inputs: {
          prompt: 'p',
          ...suite.inputs(api, ws, KEY),
          'anthropic-base-url': `https://localhost:${port}`,
          'ca-certificates': ca.ca,
          'allowed-hosts': `localhost:${port}, 127.0.0.1`
        },
        runnerTemp: path.join(suite.dir, 'rt'),
        toolCache: suite.toolCache
      })
      expect({ code: r.main.code, log: visibleLog(r.main.stdout, r.main.stderr) }).toMatchObject({ code: 0 })
      expect(r.outputs.result).toBe('done')
      const read = (f: string) => fs.readFileSync(path.join(ws, f), 'utf8')
      expect(read('tls.txt')).toBe('tls ok\n')
      expect(read('ca-env.txt')).toBe(
        [
          'CURL_CA_BUNDLE=/etc/bot-bottle/ca-bundle.crt',
          'GIT_SSL_CAINFO=/etc/bot-bottle/ca-bundle.crt',
          'NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/bot-bottle-extra.crt',
          'REQUESTS_CA_BUNDLE=/etc/bot-bottle/ca-bundle.crt',
          'SSL_CERT_FILE=/etc/bot-bottle/ca-bundle.crt',
          ''
        ].join('\n')
      )
      const [store, count] = read('store.txt').trim().split('\n')
      expect(store).toBe('in-system-store')
      expect(Number(count)).toBeGreaterThan(50) // the system roots are still there beside ours
    } finally {
      front.close()
      await api.close()
    }
  })
})
