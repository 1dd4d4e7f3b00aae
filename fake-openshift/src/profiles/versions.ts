/**
 * OpenShift releases as data: which Kubernetes minor each ships, and from which release on the rules
 * that differ between the releases our users run apply. A cluster's behaviour follows from its version
 * (the `/version` minor the fake serves), never from a test's wish.
 */

/**
 * OpenShift 4.N is built on Kubernetes 1.(N+13) since 4.6 (4.12 → 1.25: openshift-docs
 * `release_notes/ocp-4-12-release-notes.adoc` "This release uses Kubernetes 1.25"; 4.20 → 1.33:
 * `release_notes/ocp-4-20-release-notes.adoc` "This release uses Kubernetes 1.33").
 */
export const KUBERNETES_MINOR_OFFSET = 13

export function kubernetesMinorOf(openshiftMinor: number): number {
  return openshiftMinor + KUBERNETES_MINOR_OFFSET
}

export function openshiftMinorOf(kubernetesMinor: number): number {
  return kubernetesMinor - KUBERNETES_MINOR_OFFSET
}

export interface VersionRule {
  /** first OpenShift 4.x minor with the behaviour */
  since: number
  what: string
  source: string
}

export const OPENSHIFT_RULES = {
  podSecurityLabelSync: {
    since: 11,
    what: 'Pod Security Admission with the global config enforce=privileged, warn=audit=restricted, and the cluster-policy-controller syncing warn/audit labels from the SCCs the namespace’s service accounts may use',
    source:
      'openshift-docs release_notes/ocp-4-11-release-notes.adoc (openshift/openshift-docs#47151); openshift/enhancements authentication/pod-security-admission-autolabeling.md; cluster-policy-controller pkg/psalabelsyncer',
  },
  deploymentConfigDeprecated: {
    since: 14,
    what: 'apps.openshift.io/v1 DeploymentConfig answers with a deprecation Warning header',
    source:
      'openshift-docs snippets/deployment-config-deprecated.adoc ("As of OpenShift Container Platform 4.14, DeploymentConfig objects are deprecated"); FACTS.md §What the recipe’s oc commands create',
  },
  requiredSccAnnotation: {
    since: 14,
    what: 'SCC admission honours the `openshift.io/required-scc` pod annotation',
    source:
      'openshift/api#1493 and apiserver-library-go#109 (June–July 2023), documented by openshift/openshift-docs#63723 (August 2023) for 4.14; apiserver-library-go sccadmission/admission.go',
  },
} satisfies Record<string, VersionRule>

export type OpenShiftRule = keyof typeof OPENSHIFT_RULES

/** Whether a cluster serving Kubernetes 1.`kubernetesMinor` has the behaviour. */
export function openshiftHas(rule: OpenShiftRule, kubernetesMinor: number): boolean {
  return openshiftMinorOf(kubernetesMinor) >= OPENSHIFT_RULES[rule].since
}
