import {describe, expect, it} from 'vitest'

import {
  baseStreamTagFor,
  formatImageRef,
  parseImageRef,
  parseImageStreamTag,
} from '../../../src/lib/values/image.js'
import {expectUsage} from './helpers.js'

describe('parseImageStreamTag', () => {
  it.each([
    ['s2i-minimal-notebook:latest', {stream: 's2i-minimal-notebook', tag: 'latest'}],
    ['s2i-minimal-notebook', {stream: 's2i-minimal-notebook', tag: 'latest'}],
    ['my-notebooks:v1.2_3', {stream: 'my-notebooks', tag: 'v1.2_3'}],
  ])('accepts %s', (text, want) => expect(parseImageStreamTag(text, '--image')).toEqual(want))

  it.each([
    ['quay.io/jupyter/minimal-notebook:latest', 'not a registry image'],
    ['openshift/python:3.11', 'not a registry image'],
    ['is@sha256:abc', 'digests are not supported'],
    ['Bad:latest', 'not an image stream tag'],
    ['is:', 'not an image stream tag'],
    ['is:-bad', 'not an image stream tag'],
    [':latest', 'not an image stream tag'],
  ])('rejects %j', (text, why) => {
    expectUsage(() => parseImageStreamTag(text, '--image'), `--image ${JSON.stringify(text)}`, why)
  })
})

describe('parseImageRef (distribution/reference grammar)', () => {
  it.each([
    ['jupyter/minimal-notebook', 'docker.io/jupyter/minimal-notebook:latest'],
    ['docker.io/jupyter/minimal-notebook:latest', 'docker.io/jupyter/minimal-notebook:latest'],
    ['python:3.11', 'docker.io/library/python:3.11'],
    ['quay.io/jupyter/minimal-notebook:2024-01-15', 'quay.io/jupyter/minimal-notebook:2024-01-15'],
    ['localhost:5000/nb', 'localhost:5000/nb:latest'],
    ['localhost/nb:1', 'localhost/nb:1'],
    ['registry.example.com:5000/a/b/c_d.e-f:tag', 'registry.example.com:5000/a/b/c_d.e-f:tag'],
    [`quay.io/x/y@sha256:${'a'.repeat(64)}`, `quay.io/x/y@sha256:${'a'.repeat(64)}`],
    [`quay.io/x/y:1@sha256:${'b'.repeat(64)}`, `quay.io/x/y:1@sha256:${'b'.repeat(64)}`],
  ])('%s → %s', (text, want) => {
    expect(formatImageRef(parseImageRef(text, '--base-image'))).toBe(want)
  })

  it.each([
    ['Jupyter/Minimal', 'not an image reference'],
    ['quay.io/', 'not an image reference'],
    ['a//b', 'not an image reference'],
    ['x:bad tag', 'invalid tag'],
    ['x@sha256:zz', 'invalid digest'],
    ['-x', 'not an image reference'],
    ['', 'not an image reference'],
  ])('rejects %j', (text, why) => {
    expectUsage(() => parseImageRef(text, '--base-image'), '--base-image', why)
  })
})

describe('baseStreamTagFor', () => {
  it('names the stream after the last path part and keeps the tag', () => {
    expect(baseStreamTagFor(parseImageRef('docker.io/jupyter/minimal-notebook:latest', 'x'))).toEqual({
      stream: 'minimal-notebook',
      tag: 'latest',
    })
    expect(baseStreamTagFor(parseImageRef('quay.io/jupyter/scipy_notebook:2024-01', 'x'))).toEqual({
      stream: 'scipy-notebook',
      tag: '2024-01',
    })
    expect(baseStreamTagFor(parseImageRef(`quay.io/x/y@sha256:${'a'.repeat(64)}`, 'x'))).toEqual({
      stream: 'y',
      tag: 'latest',
    })
  })
})
