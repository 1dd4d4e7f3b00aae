/**
 * The Dockerfile `oc jupyter build` supplies for the recipe's builder (BuildConfig
 * `spec.source.dockerfile`): the Git checkout of getwarped/s2i-minimal-notebook stays the build context
 * (its `s2i/` scripts are the builder's), and this text replaces the branch's own Dockerfile, which no
 * longer builds (FACTS.md §The upstream builder). Rendered from data like every other object.
 *
 * What it keeps of the branch: the S2I labels, `COPY s2i /opt/app-root/s2i`, a numeric `USER 1000`
 * (S2I rejects a builder whose user it cannot tell from root) and the run script as CMD.
 * What it changes:
 * - the base is the maintained `quay.io/jupyter/minimal-notebook` at a pinned date tag (Docker Hub's
 *   `jupyter/*` images froze in Oct 2023);
 * - `ffmpeg` instead of `libav-tools`, which Ubuntu dropped in 18.04 (the branch's apt-get fails);
 * - the home directory is made group 0 with its owner's rights in the same layer as the package
 *   install (one layer; the home of a docker-stacks image holds a few small files, so the copy is
 *   small), so the assigned UID — gid 0 — can write it without supplemental group 100;
 * - no `chmod g+w /etc/passwd`: docker-stacks images already ship it group-writable, and their
 *   ENTRYPOINT start.sh adds the running UID's passwd entry before the run script starts (which then
 *   renames it as the branch always did). CRI-O does not add one itself because the file is writable.
 */

export interface DockerfileSpec {
  /** the FROM image; the BuildConfig's dockerStrategy.from replaces it in a cluster build */
  baseImage: string
  /** Debian/Ubuntu packages installed as root */
  packages: string[]
  /** directories made group 0 with the owner's rights (`chgrp -R 0`, `chmod -R g=u`) */
  groupZeroDirs: string[]
  labels: Record<string, string>
  copy: Array<{from: string; to: string}>
  /** the final USER: numeric */
  user: string
  cmd: string[]
  /** comment lines above the RUN: why these packages and permissions */
  runNotes: string[]
}

export const S2I_SCRIPTS_DIR = '/opt/app-root/s2i'

/** The builder's Dockerfile as data; only the base image varies (`--base-image`). */
export const BUILDER_DOCKERFILE: Omit<DockerfileSpec, 'baseImage'> = {
  packages: ['ffmpeg', 'rsync'],
  groupZeroDirs: ['/home/${NB_USER}'],
  labels: {
    'io.k8s.description': 'S2I builder for Jupyter (minimal-notebook).',
    'io.k8s.display-name': 'Jupyter (minimal-notebook)',
    'io.openshift.expose-services': '8888:http',
    'io.openshift.tags': 'builder,python,jupyter',
    'io.openshift.s2i.scripts-url': `image://${S2I_SCRIPTS_DIR}/bin`,
  },
  copy: [{from: 's2i', to: S2I_SCRIPTS_DIR}],
  user: '1000',
  cmd: [`${S2I_SCRIPTS_DIR}/bin/run`],
  runNotes: [
    'ffmpeg replaces libav-tools, which Ubuntu dropped in 18.04; rsync serves `oc rsync`. The home',
    "directory becomes group 0 with its owner's rights in this same layer, so the assigned UID (gid 0)",
    'can write it. /etc/passwd is already group-writable in docker-stacks images, whose start.sh adds',
    "the assigned UID's entry at start.",
  ],
}

const quote = (s: string): string => `"${s.replace(/["\\$`]/g, c => `\\${c}`)}"`
/** A path for the shell: quoted, `${VAR}` left to expand. */
const shellPath = (s: string): string => `"${s.replace(/["\\`]/g, c => `\\${c}`)}"`

export function renderDockerfile(spec: DockerfileSpec): string {
  const run: string[] = []
  if (spec.packages.length > 0) {
    run.push(
      'apt-get update --yes',
      `apt-get install --yes --no-install-recommends ${spec.packages.join(' ')}`,
      'apt-get clean && rm -rf /var/lib/apt/lists/*',
    )
  }
  for (const dir of spec.groupZeroDirs)
    run.push(`chgrp -R 0 ${shellPath(dir)} && chmod -R g=u ${shellPath(dir)}`)
  const labels = Object.entries(spec.labels).map(([k, v]) => `${k}=${quote(v)}`)
  const lines = [
    "# oc-jupyter's Dockerfile for the S2I Jupyter builder; the Git checkout (its s2i/ scripts) is the",
    "# build context. It replaces the repository's own Dockerfile, which no longer builds on today's",
    '# images (`oc jupyter build --help`; `--upstream-dockerfile` builds that one instead).',
    `FROM ${spec.baseImage}`,
    '',
    'USER root',
    '',
  ]
  if (run.length > 0) {
    lines.push(...spec.runNotes.map(n => `# ${n}`), `RUN ${run.join(' && \\\n    ')}`, '')
  }
  if (labels.length > 0) lines.push(`LABEL ${labels.join(' \\\n      ')}`, '')
  for (const c of spec.copy) lines.push(`COPY ${c.from} ${c.to}`, '')
  lines.push(
    '# Numeric: S2I refuses a builder whose user it cannot tell from root.',
    `USER ${spec.user}`,
    '',
    `CMD ${JSON.stringify(spec.cmd)}`,
    '',
  )
  return lines.join('\n')
}

export function renderBuilderDockerfile(baseImage: string): string {
  return renderDockerfile({...BUILDER_DOCKERFILE, baseImage})
}
