/**
 * A CA and a server certificate for 127.0.0.1 / localhost, generated per run, so clients verify
 * the server through `certificate-authority-data` — no insecure flag anywhere. The same CA signs
 * client certificates (`issueClientCertificate`): like kube-apiserver's --client-ca-file, a verified
 * client certificate authenticates its CN as the user and its O entries as groups. RSA keys come from
 * node:crypto (native, ~50 ms) rather than node-forge's pure-JS generator (seconds).
 */
import {generateKeyPairSync, randomBytes} from 'node:crypto'

import forge from 'node-forge'

export interface TlsMaterial {
  caPem: string
  certPem: string
  keyPem: string
  /** the CA's key, to sign client certificates */
  caKeyPem: string
}

function keyPair(): {privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string} {
  const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  const pem = privateKey.export({type: 'pkcs1', format: 'pem'}).toString()
  const priv = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey
  const pub = forge.pki.setRsaPublicKey(priv.n, priv.e)
  return {privateKey: priv, publicKey: pub, pem}
}

function serial(): string {
  // positive (high bit clear), as RFC 5280 requires
  const b = randomBytes(16)
  b[0] &= 0x7f
  return b.toString('hex')
}

export function generateTls(hosts: {ips?: string[]; dns?: string[]} = {}): TlsMaterial {
  const ips = hosts.ips ?? ['127.0.0.1', '::1']
  const dns = hosts.dns ?? ['localhost']
  const notBefore = new Date(Date.now() - 60 * 60 * 1000)
  const notAfter = new Date(Date.now() + 7 * 24 * 60 * 60 * 1000)

  const ca = keyPair()
  const caCert = forge.pki.createCertificate()
  caCert.publicKey = ca.publicKey
  caCert.serialNumber = serial()
  caCert.validity.notBefore = notBefore
  caCert.validity.notAfter = notAfter
  const caSubject = [{name: 'commonName', value: 'fake-openshift-ca'}]
  caCert.setSubject(caSubject)
  caCert.setIssuer(caSubject)
  caCert.setExtensions([
    {name: 'basicConstraints', cA: true, critical: true},
    {name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true},
    {name: 'subjectKeyIdentifier'},
  ])
  caCert.sign(ca.privateKey, forge.md.sha256.create())

  const srv = keyPair()
  const cert = forge.pki.createCertificate()
  cert.publicKey = srv.publicKey
  cert.serialNumber = serial()
  cert.validity.notBefore = notBefore
  cert.validity.notAfter = notAfter
  cert.setSubject([{name: 'commonName', value: 'fake-openshift-apiserver'}])
  cert.setIssuer(caSubject)
  cert.setExtensions([
    {name: 'basicConstraints', cA: false},
    {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
    {name: 'extKeyUsage', serverAuth: true},
    {
      name: 'subjectAltName',
      altNames: [...dns.map(value => ({type: 2, value})), ...ips.map(ip => ({type: 7, ip}))],
    },
    {name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes()},
  ])
  cert.sign(ca.privateKey, forge.md.sha256.create())

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: srv.pem,
    caKeyPem: ca.pem,
  }
}

/** A client certificate signed by the fake's CA: CN = user name, one O per group (kube-apiserver's x509 rule). */
export function issueClientCertificate(
  tls: TlsMaterial,
  subject: {user: string; groups?: string[]},
): {certPem: string; keyPem: string} {
  const caCert = forge.pki.certificateFromPem(tls.caPem)
  const caKey = forge.pki.privateKeyFromPem(tls.caKeyPem)
  const client = keyPair()
  const cert = forge.pki.createCertificate()
  cert.publicKey = client.publicKey
  cert.serialNumber = serial()
  cert.validity.notBefore = caCert.validity.notBefore
  cert.validity.notAfter = caCert.validity.notAfter
  cert.setSubject([
    ...(subject.groups ?? []).map(value => ({name: 'organizationName', value})),
    {name: 'commonName', value: subject.user},
  ])
  cert.setIssuer(caCert.subject.attributes)
  cert.setExtensions([
    {name: 'basicConstraints', cA: false},
    {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
    {name: 'extKeyUsage', clientAuth: true},
  ])
  cert.sign(caKey, forge.md.sha256.create())
  return {certPem: forge.pki.certificateToPem(cert), keyPem: client.pem}
}
