/** Cluster and storage profiles, and the release rules they select (versions.ts). */
export {
  CLUSTER_PROFILES,
  clusterProfile,
  DEFAULT_CLUSTER_PROFILE,
  profileSummary,
  type ClusterProfile,
} from './clusters.js'
export {STORAGE_PROFILES, storageProfile, type StorageProfile} from './storage.js'
export {
  kubernetesMinorOf,
  OPENSHIFT_RULES,
  openshiftHas,
  openshiftMinorOf,
  type OpenShiftRule,
} from './versions.js'
