#!/usr/bin/env node
// kubectl (>= 1.26) completes `kubectl jupyter WORD...` by running `kubectl_complete-jupyter WORD...`
// from PATH and reading cobra's completion protocol: this CLI's `__complete` answers in it.
'use strict'
process.argv.splice(2, 0, '__complete')
require('./run.js')
