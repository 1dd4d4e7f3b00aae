/**
 * Storage profiles: the StorageClasses a fresh cluster has, as data. Which class is the default and how
 * it binds decides what a claim without `storageClassName` does (sim/volumes.ts applies the rules).
 */
import type {KObject} from '../types.js'

export interface StorageProfile {
  name: string
  description: string
  classes: KObject[]
  source: string
}

const DEFAULT = {'storageclass.kubernetes.io/is-default-class': 'true'}

function storageClass(
  name: string,
  fields: {
    provisioner: string
    default?: boolean
    annotations?: Record<string, string>
    parameters?: Record<string, string>
    volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer'
    allowVolumeExpansion?: boolean
  },
): KObject {
  const annotations = {...(fields.default ? DEFAULT : {}), ...(fields.annotations ?? {})}
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {name, ...(Object.keys(annotations).length ? {annotations} : {})},
    provisioner: fields.provisioner,
    ...(fields.parameters ? {parameters: fields.parameters} : {}),
    reclaimPolicy: 'Delete',
    volumeBindingMode: fields.volumeBindingMode,
    ...(fields.allowVolumeExpansion === undefined ? {} : {allowVolumeExpansion: fields.allowVolumeExpansion}),
  }
}

export const STORAGE_PROFILES: Record<string, StorageProfile> = {
  standard: {
    name: 'standard',
    description:
      'one default class `standard-csi`: Immediate binding, expansion allowed (a claim binds as soon as it exists)',
    classes: [
      storageClass('standard-csi', {
        provisioner: 'csi.sandbox.example.com',
        default: true,
        volumeBindingMode: 'Immediate',
        allowVolumeExpansion: true,
      }),
    ],
    source: 'the fake’s own generic class',
  },
  'standard-no-expansion': {
    name: 'standard-no-expansion',
    description:
      'the default `standard-csi` without `allowVolumeExpansion`: a bound claim cannot grow (resize admission refuses)',
    classes: [
      storageClass('standard-csi', {
        provisioner: 'csi.sandbox.example.com',
        default: true,
        volumeBindingMode: 'Immediate',
      }),
    ],
    source: 'the fake’s own generic class; kubernetes plugin/pkg/admission/storage/persistentvolume/resize',
  },
  'aws-gp3-csi': {
    name: 'aws-gp3-csi',
    description:
      'AWS EBS CSI: default `gp3-csi` and `gp2-csi`, both WaitForFirstConsumer with expansion — a claim stays Pending (`WaitForFirstConsumer`) until a pod using it is scheduled',
    classes: [
      storageClass('gp2-csi', {
        provisioner: 'ebs.csi.aws.com',
        annotations: {'snapshot.storage.kubernetes.io/is-default-class': 'true'},
        parameters: {type: 'gp2', encrypted: 'true'},
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      }),
      storageClass('gp3-csi', {
        provisioner: 'ebs.csi.aws.com',
        default: true,
        parameters: {type: 'gp3', encrypted: 'true'},
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      }),
    ],
    source:
      'openshift/aws-ebs-csi-driver-operator assets/storageclass_gp3.yaml, assets/storageclass_gp2.yaml (the operator marks gp3-csi default); FACTS.md §RBAC, storage and immutability',
  },
  none: {
    name: 'none',
    description:
      'no StorageClass: a claim without class stays Pending (`FailedBinding`: no persistent volumes available for this claim and no storage class is set)',
    classes: [],
    source: 'kubernetes pkg/controller/volume/persistentvolume/pv_controller.go syncUnboundClaim',
  },
}

export function storageProfile(name: string): StorageProfile {
  const p = STORAGE_PROFILES[name]
  if (!p)
    throw new Error(
      `fake-openshift: unknown storage profile "${name}" (known: ${Object.keys(STORAGE_PROFILES).join(', ')})`,
    )
  return p
}
