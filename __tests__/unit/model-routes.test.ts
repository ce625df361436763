/**
 * The model proxy's route judge on its own: the exact routes, methods and query strings claude
 * sends pass, everything else is refused with its reason, and the logged path never carries the
 * query. Expected values are written out here, not read from the module's own lists.
 */
import { judgeModelRequest, loggedPath, splitTarget } from '../../src/proxy/model-routes.js'

describe('judgeModelRequest', () => {
  it.each([
    ['/v1/messages', '/v1/messages', ''],
    ['/v1/messages?beta=true', '/v1/messages', 'beta=true'],
    ['/v1/messages/count_tokens', '/v1/messages/count_tokens', ''],
    ['/v1/messages/count_tokens?beta=true', '/v1/messages/count_tokens', 'beta=true']
  ])('lets POST %s through as path %s, query %j', (target, path, query) => {
    expect(judgeModelRequest('POST', target)).toEqual({ ok: true, path, query })
  })

  it.each([
    ['POST', '/v1/files', '/v1/files', '/v1/files is not an endpoint Claude Code uses'],
    ['POST', '/v1/messages/batches', '/v1/messages/batches', '/v1/messages/batches is not an endpoint Claude Code uses'],
    ['POST', '/v1/message', '/v1/message', '/v1/message is not an endpoint Claude Code uses'],
    ['POST', '/v1/messages/', '/v1/messages/', '/v1/messages/ is not an endpoint Claude Code uses'],
    ['POST', '/v1/models?beta=true', '/v1/models', '/v1/models is not an endpoint Claude Code uses'],
    ['GET', '/v1/messages', '/v1/messages', 'method GET not allowed on /v1/messages'],
    ['PUT', '/v1/messages/count_tokens?beta=true', '/v1/messages/count_tokens', 'method PUT not allowed on /v1/messages/count_tokens'],
    ['post', '/v1/messages', '/v1/messages', 'method post not allowed on /v1/messages'],
    ['POST', '/v1/messages?beta=false', '/v1/messages', 'query string other than claude sends'],
    ['POST', '/v1/messages?beta=true&x=1', '/v1/messages', 'query string other than claude sends'],
    ['POST', '/v1/messages/count_tokens?url=https://a.example/', '/v1/messages/count_tokens', 'query string other than claude sends'],
    ['POST', '/v1/../v1/files?k=secret', '/v1/../v1/files', 'dot-segment (..) in path']
  ])('refuses %s %s, logging path %s: %s', (method, target, path, reason) => {
    expect(judgeModelRequest(method, target)).toEqual({ ok: false, path, reason })
  })

  it('cuts a long method name in its refusal', () => {
    const method = `A${'B'.repeat(40)}`
    expect(judgeModelRequest(method, '/v1/messages')).toEqual({
      ok: false,
      path: '/v1/messages',
      reason: `method A${'B'.repeat(19)} not allowed on /v1/messages`
    })
  })
})

describe('splitTarget', () => {
  it.each([
    ['/v1/messages', { path: '/v1/messages', query: '' }],
    ['/v1/messages?beta=true', { path: '/v1/messages', query: 'beta=true' }],
    ['/a?b?c', { path: '/a', query: 'b?c' }],
    ['/a/b.c/..d/d..', { path: '/a/b.c/..d/d..', query: '' }],
    ['/a?x=%2e%2e//\\', { path: '/a', query: 'x=%2e%2e//\\' }],
    ['/', { path: '/', query: '' }]
  ])('splits %j', (target, expected) => {
    expect(splitTarget(target)).toEqual(expected)
  })

  it.each([
    ['http://evil.example/v1/messages', 'absolute-form or authority-form target'],
    ['//evil.example/v1/messages', 'absolute-form or authority-form target'],
    ['evil.example:443', 'absolute-form or authority-form target'],
    ['*', 'absolute-form or authority-form target'],
    ['', 'absolute-form or authority-form target'],
    ['/v1\\messages', 'backslash in path'],
    ['/v1/%6d', 'percent-encoded characters in path'],
    ['/v1/..', 'dot-segment (..) in path'],
    ['/v1/../x', 'dot-segment (..) in path'],
    ['/v1/./messages', 'dot-segment (..) in path'],
    ['/v1/.', 'dot-segment (..) in path'],
    ['/v1//messages', 'empty path segment (//)'],
    ['/v1/messages//', 'empty path segment (//)']
  ])('refuses %j: %s', (target, reason) => {
    expect(splitTarget(target)).toEqual({ reason })
  })
})

describe('loggedPath', () => {
  it('drops the query (it could carry anything) and keeps at most 200 characters', () => {
    expect(loggedPath('/v1/files?key=sk-ant-secret')).toBe('/v1/files')
    expect(loggedPath('/v1/files')).toBe('/v1/files')
    expect(loggedPath('?only=query')).toBe('')
    const long = `/${'x'.repeat(300)}`
    expect(loggedPath(long)).toBe(`/${'x'.repeat(199)}`)
    expect(loggedPath(`${long}?q`)).toHaveLength(200)
  })
})
