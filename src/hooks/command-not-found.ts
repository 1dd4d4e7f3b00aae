/**
 * oclif's command_not_found hook: an unknown command ends in the house style — one line, "did you
 * mean", a `Try:` line with the corrected command — and exit 2 (usage), instead of oclif's
 * ` ›   Error: command statuz not found`.
 */
import type {Hook} from '@oclif/core'

import {ExitCode} from '../lib/errors.js'
import {shellLine, suggestionsFor} from '../lib/suggest.js'

const hook: Hook.CommandNotFound = async function (opts) {
  const bin = this.config.bin
  const ids = this.config.commands.filter(c => !c.hidden).map(c => c.id)
  const aliases = this.config.commands.flatMap(c => (c.hidden ? [] : c.aliases))
  // With topics separated by spaces oclif joins the words it tried: `statuz mynb` arrives as statuz:mynb.
  const [typed, ...more] = opts.id.split(':')
  const suggestions = suggestionsFor(typed, new Set([...ids, ...aliases])).slice(0, 3)
  const argv = [...more, ...(opts.argv ?? [])]
  const lines = [
    `Error: unknown command "${typed}" for "${bin}"${suggestions.length ? `; did you mean ${suggestions.map(x => `"${x}"`).join(' or ')}?` : ''}`,
    `Try: ${suggestions.length ? `${bin} ${shellLine([suggestions[0], ...argv])}` : `${bin} --help`}`,
  ]
  process.stderr.write(`${lines.join('\n')}\n`)
  this.exit(ExitCode.Usage)
}

export default hook
