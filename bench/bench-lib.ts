/** Shared helpers for benchmarks: medians, and the one-line BENCH output format. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function report(name: string, value: number, unit: string, target?: number) {
  // Two decimals, or three significant digits below 1 (a ratio of 0.004 is not 0).
  const v = Math.abs(value) < 1 && value !== 0 ? Number(value.toPrecision(3)) : Math.round(value * 100) / 100
  console.log(
    `BENCH ${JSON.stringify(target === undefined ? { name, value: v, unit } : { name, value: v, unit, target })}`,
  )
}

export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

export function argValue(name: string, fallback: number): number {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`))
  return a ? Number(a.split('=')[1]) : fallback
}
