/**
 * The programs an image runs at start, by what they do (the model's equivalent of their source). An
 * image profile maps file paths to these behaviours; the container's command line (ENTRYPOINT + CMD,
 * or the pod's command/args) picks the chain that runs (process.ts).
 *
 * - `docker-stacks-start`: docker-stacks' start.sh (the images' ENTRYPOINT, after tini). As a non-root
 *   UID without a passwd entry it renames jovyan and adds one when /etc/passwd is writable, warns when
 *   the home is not writable, then runs its arguments (jupyter/docker-stacks
 *   images/docker-stacks-foundation/start.sh).
 * - `jupyter-start`: start-notebook.sh/.py — execs the Jupyter server (`jupyter lab`, or `jupyter
 *   notebook` on images before Notebook 7).
 * - `s2i-run`: getwarped/s2i-minimal-notebook's s2i/bin/run (`set -eo pipefail`): for UIDs >= 10000 it
 *   rewrites /etc/passwd (when `passwdFix`); with JUPYTER_NOTEBOOK_PASSWORD set it runs
 *   `python -c "import notebook.auth; ..."` and passes the hash as --NotebookApp.password; with
 *   PERSISTENT_VOLUME_ROOTDIR it creates `$ROOT/${PERSISTENT_VOLUME_WORKSPACE:-work}` and copies the work
 *   directory there; echoes its banner; then `exec /usr/local/bin/start-notebook.sh`.
 * - `s2i-assemble`: s2i/bin/assemble — copies the source into ~/work and conda-installs
 *   requirements.txt (S2I builds).
 * - `oauth-proxy`: openshift/oauth-proxy (main.go, providers/openshift/provider.go, http.go): with
 *   `--openshift-service-account` it reads the mounted service account token as its client secret; it
 *   reads `--cookie-secret-file`, `--tls-cert`/`--tls-key`, then listens on `--https-address`. A file it
 *   cannot open ends it.
 */
export type ScriptKind = 'docker-stacks-start' | 'jupyter-start' | 's2i-run' | 's2i-assemble' | 'oauth-proxy'

export interface ScriptBehaviour {
  script: ScriptKind
  /** s2i-run: rewrites /etc/passwd for UIDs >= 10000 */
  passwdFix?: boolean
  /** lines the script echoes before it starts the server */
  banner?: string[]
}

/** Where a bare command name is looked up, in order (the images' PATH). */
export const PATH_DIRS = ['/usr/local/bin', '/opt/conda/bin', '/usr/bin', '/bin']
