#!/usr/bin/env node
// kubectl's plugin executable: `kubectl jupyter ...` (and `oc jupyter ...` where oc-jupyter is not on
// PATH). The same CLI as bin/run.js, which names itself after the file it was started from.
'use strict'
require('./run.js')
