/**
 * `npm run isolation-suite [-- spec ...]`: PostgreSQL's own isolation suite through Schemist's
 * tester and through the real isolationtester on the same private server, compared byte for
 * byte. Prints one line per spec, then `N/M specs match`; the outputs of specs that differ are
 * left in .tmp/isolation-suite/ (<spec>.expected and <spec>.schemist). Exit code 1 when any differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { IsolationSuite, schedule, suiteMissing } from '../src-main/test-support/isolation-suite'

async function main() {
  const missing = suiteMissing()
  if (missing) {
    console.log(`skipped: ${missing}`)
    return 0
  }
  const wanted = process.argv.slice(2)
  const names = wanted.length ? wanted : schedule()
  const outDir = join(__dirname, '../.tmp/isolation-suite')
  mkdirSync(outDir, { recursive: true })
  const suite = await IsolationSuite.start()
  let matched = 0
  const differ: string[] = []
  const unstable: string[] = []
  let refMs = 0
  let ourMs = 0
  try {
    for (const name of names) {
      const r = await suite.compare(name)
      refMs += r.ms.reference
      ourMs += r.ms.ours
      if (r.match) matched++
      else {
        if (r.referenceUnstable) unstable.push(name)
        else differ.push(name)
        writeFileSync(join(outDir, `${name}.expected`), r.reference)
        writeFileSync(join(outDir, `${name}.schemist`), r.ours)
      }
      console.log(
        `${r.match ? 'same    ' : r.referenceUnstable ? 'UNSTABLE' : 'DIFFER  '} ${name.padEnd(40)} ${String(r.ms.ours).padStart(7)} ms (tool ${r.ms.reference} ms)${r.firstDifference ? `  ${r.firstDifference}` : ''}`,
      )
    }
  } finally {
    await suite.stop()
  }
  console.log(
    `\n${matched}/${names.length} specs match (Schemist ${Math.round(ourMs / 1000)} s, the real tool ${Math.round(refMs / 1000)} s)`,
  )
  if (unstable.length)
    console.log(
      `the real tool itself prints something else on a second run of: ${unstable.join(' ')} (no runner can match these byte for byte)`,
    )
  if (differ.length) console.log(`differ: ${differ.join(' ')}`)
  return differ.length ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e)
    process.exit(2)
  },
)
