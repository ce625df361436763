import { likelyGuestPlatform, PROGRESS_EVERY_MS, withProgress } from '../../src/install/claude.js'

describe('download progress', () => {
  it('says every second how many bytes arrived and at what rate, then the total', async () => {
    const lines: string[] = []
    let received = 0
    const download = (async () => {
      for (let i = 0; i < 3; i++) {
        received += 512 * 1024
        await new Promise(r => setTimeout(r, PROGRESS_EVERY_MS * 0.8))
      }
      return 'done'
    })()
    expect(
      await withProgress(
        'Downloading pkg@1',
        () => received,
        download,
        l => lines.push(l)
      )
    ).toBe('done')
    expect(lines.length).toBeGreaterThanOrEqual(3) // at least two while it ran, and the last
    for (const l of lines.slice(0, -1)) expect(l).toMatch(/^Downloading pkg@1: \d+\.\d MiB so far \(\d+\.\d MiB\/s\)$/)
    expect(lines.at(-1)).toMatch(/^Downloading pkg@1: 1\.5 MiB in \d+\.\d s \(\d+\.\d MiB\/s\)$/)
  })

  it('stops reporting when the download fails', async () => {
    const lines: string[] = []
    await expect(
      withProgress(
        'x',
        () => 0,
        Promise.reject(new Error('refused')),
        l => lines.push(l)
      )
    ).rejects.toThrow('refused')
    await new Promise(r => setTimeout(r, PROGRESS_EVERY_MS * 1.5))
    expect(lines).toEqual([])
  })
})

describe('likelyGuestPlatform', () => {
  it("is the runner's architecture with glibc, and nothing for one claude has no build for", () => {
    expect(likelyGuestPlatform('x64')).toBe('linux-x64')
    expect(likelyGuestPlatform('arm64')).toBe('linux-arm64')
    expect(likelyGuestPlatform('s390x')).toBeUndefined()
  })
})
