/**
 * Discovery cached on disk the way kubectl caches it (client-go `discovery/cached/disk`), so that a
 * command after the first sends no discovery requests:
 *
 *   $KUBECACHEDIR (kubectl's --cache-dir default) or ~/.kube/cache
 *     discovery/<host_port>/<group>/<version>/serverresources.json   the APIResourceList as served
 *     discovery/<host_port>/version.json                             the server's /version (ours)
 *
 * The per-group/version files are kubectl's own layout and content, so either tool warms the other.
 * Rules:
 * - an entry is fresh for 6 hours after it was written (kubectl's TTL), judged by the file's mtime;
 * - a resource missing from a cached list is asked of the server again before it counts as not
 *   served (it may be newer than the cache: kubectl's RESTMapper does the same on a miss);
 * - a 404 for a resource the cache said was served drops the server's whole cache (`invalidate`);
 * - every discovery request also reads /version; a different version from the recorded one (an
 *   upgrade) drops the server's cache before the new answers are stored.
 * Negative answers (a group/version the server does not serve) are not stored. A cache that cannot
 * be read or written (read-only home, a corrupt file) is treated as empty; it never fails a command.
 */
import {mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import path from 'node:path'

/** kubectl's discovery cache TTL (k8s.io/cli-runtime genericclioptions, since 1.25). */
export const DISCOVERY_TTL_MS = 6 * 3600_000

/** kubectl's default `--cache-dir` + `/discovery`: `$KUBECACHEDIR/discovery`, else ~/.kube/cache/discovery. */
export function defaultDiscoveryCacheDir(
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
): string {
  return path.join(env.KUBECACHEDIR || path.join(home, '.kube', 'cache'), 'discovery')
}

/**
 * The per-server directory name, as kubectl computes it (computeDiscoverCacheDir): the server URL
 * without its scheme, every character other than letters, digits, `_`, `/`, `.`, `(` and `)`
 * replaced by `_` — `https://api.example.com:6443` → `api.example.com_6443`.
 */
export function serverCacheKey(server: string): string {
  const schemeless = server.replace('https://', '').replace('http://', '')
  return schemeless.replace(/[^(\w/.)]/g, '_')
}

export interface ApiResourceList {
  kind?: string
  apiVersion?: string
  groupVersion?: string
  resources?: Array<{name?: string}>
}

export interface ServerVersion {
  major?: string
  minor?: string
  gitVersion?: string
}

export class DiscoveryCache {
  readonly dir: string
  private readonly ttlMs: number
  private readonly now: () => number

  constructor(parentDir: string, server: string, opts: {ttlMs?: number; now?: () => number} = {}) {
    this.dir = path.join(parentDir, serverCacheKey(server))
    this.ttlMs = opts.ttlMs ?? DISCOVERY_TTL_MS
    this.now = opts.now ?? Date.now
  }

  private file(groupVersion: string): string {
    // `v1` (core) → <dir>/v1/serverresources.json; `apps/v1` → <dir>/apps/v1/serverresources.json
    return path.join(this.dir, ...groupVersion.split('/'), 'serverresources.json')
  }

  /** The cached resource list of a group/version, when there is a fresh one. */
  read(groupVersion: string): ApiResourceList | undefined {
    const file = this.file(groupVersion)
    try {
      if (this.now() - statSync(file).mtimeMs > this.ttlMs) return undefined
      const list = JSON.parse(readFileSync(file, 'utf8')) as ApiResourceList
      return Array.isArray(list.resources) ? list : undefined
    } catch {
      return undefined
    }
  }

  write(groupVersion: string, list: ApiResourceList): void {
    this.writeJson(this.file(groupVersion), list)
  }

  /**
   * Records the server's version; when another one was recorded, everything cached for the server
   * is dropped first (it describes the server before an upgrade).
   */
  noteVersion(version: ServerVersion): void {
    const file = path.join(this.dir, 'version.json')
    let previous: ServerVersion | undefined
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as ServerVersion
    } catch {
      previous = undefined
    }
    if (previous?.gitVersion === version.gitVersion) return
    if (previous) this.invalidate()
    this.writeJson(file, {major: version.major, minor: version.minor, gitVersion: version.gitVersion})
  }

  /** Drops everything cached for this server (kubectl's CachedDiscoveryClient.Invalidate). */
  invalidate(): void {
    try {
      rmSync(this.dir, {recursive: true, force: true})
    } catch {
      // nothing to drop, or not ours to drop: the entries expire on their own
    }
  }

  /** Atomic (temporary file + rename, as kubectl writes it): a concurrent reader never sees half a file. */
  private writeJson(file: string, value: unknown): void {
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`
    try {
      mkdirSync(path.dirname(file), {recursive: true, mode: 0o750})
      writeFileSync(tmp, JSON.stringify(value), {mode: 0o660})
      renameSync(tmp, file)
    } catch {
      // read-only or full home, or not a directory: run without the cache
      try {
        rmSync(tmp, {force: true})
      } catch {
        // nothing was written
      }
    }
  }
}
