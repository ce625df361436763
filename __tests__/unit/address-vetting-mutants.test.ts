/**
 * Address vetting's edges that the proxy tests do not reach: the runner's interface addresses
 * (read at most once a second, a zone index dropped, a malformed entry skipped), a target that is
 * not an IP address, and resolveVetted's answers (the family, a name that does not resolve or
 * resolves to nothing, the resolver's own order). The interfaces and the clock are faked here:
 * this file has its own copy of the module, so its cache is not shared with other test files.
 */
import os from 'node:os'
import { jest } from '@jest/globals'
import { refusedBecause, resolveVetted } from '../../src/proxy/address-vetting.js'

const NONE = { listed: [], denied: [] }
const OWN = "the runner's own address"

type Lookup = NonNullable<Parameters<typeof resolveVetted>[2]>
/** A resolver that answers `addresses` as dns.lookup would: in the resolver's order with verbatim, IPv4 first without it. */
const resolver = (addresses: string[]): Lookup =>
  (async (_host: string, options: { verbatim?: boolean }) => {
    const all = addresses.map(address => ({ address, family: address.includes(':') ? 6 : 4 }))
    return options.verbatim === false ? [...all.filter(a => a.family === 4), ...all.filter(a => a.family === 6)] : all
  }) as unknown as Lookup
const failing = (err: Error): Lookup =>
  (async () => {
    throw err
  }) as unknown as Lookup

const iface = (address: string) => ({
  address,
  netmask: '255.255.255.255',
  family: address.includes(':') ? 'IPv6' : 'IPv4',
  mac: '00:00:00:00:00:00',
  internal: false,
  cidr: null
})

describe("the runner's own addresses", () => {
  afterEach(() => jest.restoreAllMocks())

  it('are read again only once more than a second has passed', () => {
    const start = Date.now() + 10_000 // past any read made so far
    const now = jest.spyOn(Date, 'now').mockReturnValue(start)
    const interfaces = jest.spyOn(os, 'networkInterfaces').mockReturnValue({ eth0: [iface('203.0.113.7')] } as ReturnType<typeof os.networkInterfaces>)
    expect(refusedBecause('203.0.113.7', NONE)).toBe(OWN)
    expect(refusedBecause('203.0.113.8', NONE)).toBeUndefined()

    interfaces.mockReturnValue({ eth0: [iface('203.0.113.8')] } as ReturnType<typeof os.networkInterfaces>)
    now.mockReturnValue(start + 500)
    expect(refusedBecause('203.0.113.7', NONE)).toBe(OWN) // within the second: as read
    expect(refusedBecause('203.0.113.8', NONE)).toBeUndefined()
    now.mockReturnValue(start + 1000)
    expect(refusedBecause('203.0.113.8', NONE)).toBeUndefined() // a second exactly: still as read
    now.mockReturnValue(start + 1001)
    expect(refusedBecause('203.0.113.8', NONE)).toBe(OWN) // read again
    expect(refusedBecause('203.0.113.7', NONE)).toBeUndefined()
    expect(interfaces).toHaveBeenCalledTimes(2)
  })

  it('count an address with a zone index (%eth0) as the address, and skip an entry that is not an address', () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 20_000)
    jest.spyOn(os, 'networkInterfaces').mockReturnValue({
      eth0: [iface('2001:db8::5%eth0'), iface('garbage')],
      eth1: [iface('198.51.100.9')]
    } as ReturnType<typeof os.networkInterfaces>)
    expect(refusedBecause('2001:db8::5', NONE)).toBe(OWN)
    expect(refusedBecause('198.51.100.9', NONE)).toBe(OWN)
    expect(refusedBecause('2001:db8::6', NONE)).toBeUndefined()
  })
})

describe('refusedBecause', () => {
  it.each(['example.com', '', '1.2.3', '300.1.1.1', 'localhost'])('refuses %j: not an IP address', target => {
    expect(refusedBecause(target, NONE)).toBe('not an IP address')
  })
})

describe('resolveVetted', () => {
  it('gives the family of the address it vetted', async () => {
    expect(await resolveVetted('192.0.2.1', NONE)).toEqual({ ok: true, address: '192.0.2.1', family: 4 })
    expect(await resolveVetted('2001:db8::1', NONE)).toEqual({ ok: true, address: '2001:db8::1', family: 6 })
    expect(await resolveVetted('dual.example', NONE, resolver(['127.0.0.1', '2001:db8::2']))).toEqual({ ok: true, address: '2001:db8::2', family: 6 })
    expect(await resolveVetted('v4.example', NONE, resolver(['::1', '192.0.2.3']))).toEqual({ ok: true, address: '192.0.2.3', family: 4 })
  })

  it("takes the resolver's order, not IPv4 first", async () => {
    expect(await resolveVetted('dual.example', NONE, resolver(['2001:db8::1', '192.0.2.1']))).toEqual({ ok: true, address: '2001:db8::1', family: 6 })
  })

  it('says why a name does not resolve: the error code, else its message', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nope.example'), { code: 'ENOTFOUND' })
    expect(await resolveVetted('nope.example', NONE, failing(notFound))).toEqual({ ok: false, why: 'does not resolve (ENOTFOUND)' })
    expect(await resolveVetted('nope.example', NONE, failing(new Error('resolver broke')))).toEqual({ ok: false, why: 'does not resolve (resolver broke)' })
  })

  it('refuses a name that resolves to no address, and names the first refused address when none may be reached', async () => {
    expect(await resolveVetted('empty.example', NONE, resolver([]))).toEqual({ ok: false, address: undefined, why: 'resolves to no address' })
    expect(await resolveVetted('inside.example', NONE, resolver(['169.254.169.254', '127.0.0.1']))).toEqual({
      ok: false,
      address: '169.254.169.254',
      why: 'link-local'
    })
  })
})
