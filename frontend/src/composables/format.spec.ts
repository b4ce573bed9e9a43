import { describe, expect, it } from 'vitest'
import {
  etaSeconds,
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  randomSeed,
} from './format'

describe('format', () => {
  it('estimates the time left from the rate so far', () => {
    const start = '2026-01-01T00:00:00Z'
    const now = Date.parse(start) + 10_000 // 10 s in, 1,000 of 5,000 rows done
    expect(etaSeconds(1000, 5000, start, now)).toBeCloseTo(40)
  })

  it('has no ETA before a row is done or after the last one', () => {
    expect(etaSeconds(0, 5000, '2026-01-01T00:00:00Z')).toBeNull()
    expect(etaSeconds(5000, 5000, '2026-01-01T00:00:00Z')).toBeNull()
    expect(etaSeconds(10, 5000, null)).toBeNull()
  })

  it('writes durations, sizes, counts and shares for people', () => {
    expect(formatDuration(42)).toBe('42s')
    expect(formatDuration(125)).toBe('2m 5s')
    expect(formatDuration(3 * 3600 + 60)).toBe('3h 1m')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(1536)).toBe('1.5 KB')
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatPercent(0.1234)).toBe('12.3%')
    expect(formatPercent(null)).toBe('—')
  })

  it('draws random seeds a person can type again', () => {
    const seeds = new Set(Array.from({ length: 20 }, randomSeed))
    expect(seeds.size).toBeGreaterThan(15)
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0 && s < 2 ** 31).toBe(true)
  })
})
