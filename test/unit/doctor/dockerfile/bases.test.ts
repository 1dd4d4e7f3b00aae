import {describe, expect, it} from 'vitest'

import {knownBase} from '../../../../src/lib/doctor/dockerfile/bases.js'

describe('known base images', () => {
  it.each([
    ['quay.io/jupyter/minimal-notebook:2025-12-31', 'jupyter/docker-stacks'],
    ['jupyter/minimal-notebook:latest', 'jupyter/docker-stacks'],
    ['docker.io/jupyter/scipy-notebook', 'jupyter/docker-stacks'],
    ['quay.io/jupyter/docker-stacks-foundation:python-3.12', 'jupyter/docker-stacks'],
    ['registry.access.redhat.com/ubi9/python-311:latest', 'sclorg s2i'],
    ['quay.io/sclorg/python-312-c9s', 'sclorg s2i'],
    ['registry.example.com/x/s2i-base:1', 'sclorg s2i'],
    ['registry.access.redhat.com/ubi9/ubi-minimal:9.5', 'UBI'],
    ['registry.access.redhat.com/ubi9', 'UBI'],
    ['registry.access.redhat.com/ubi8/ubi:8.10', 'UBI'],
  ])('%s is %s', (image, name) => {
    expect(knownBase(image)?.name).toBe(name)
  })

  it('does not guess', () => {
    for (const image of [
      'python:3.12',
      'jupyterhub/k8s-singleuser-sample',
      'registry.example.com/notebook:1',
    ])
      expect(knownBase(image)).toBeUndefined()
  })

  it('docker-stacks: USER 1000, HOME /home/jovyan group 100 g+w, /etc/passwd g+w', () => {
    const b = knownBase('quay.io/jupyter/minimal-notebook:latest')
    expect(b?.user).toBe('1000')
    expect(b?.env).toMatchObject({NB_USER: 'jovyan', NB_UID: '1000', NB_GID: '100', HOME: '/home/jovyan'})
    expect(b?.paths.map(p => [p.path, p.group, (p.mode.value & 0o020) !== 0])).toEqual([
      ['/home/jovyan', '100', true],
      ['/opt/conda', '100', true],
      ['/etc/passwd', '0', true],
    ])
  })
})
