#!/usr/bin/env -S node --import tsx
'use strict'
// Runs the TypeScript sources (oclif's development mode). bin/ is CommonJS (bin/package.json), so
// oclif is given the package's root, not this file's directory.
const path = require('node:path')
const {execute} = require('@oclif/core')

execute({development: true, dir: path.join(__dirname, '..')})
