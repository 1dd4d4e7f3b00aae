/**
 * Offline Dockerfile lint for arbitrary-UID readiness (FACTS.md §Assigned user IDs): parse.ts (syntax,
 * on dockerfile-ast) → shell.ts (words, quotes, variables) → commands.ts (what RUN does to paths) →
 * model.ts (stages, ARG/ENV scoping, the path timeline; bases.ts for known base images, modes.ts for
 * chmod) → checks.ts (the judges). No Docker, no cluster.
 */
export {KNOWN_BASES, knownBase, type KnownBase} from './bases.js'
export {DOCKERFILE_CHECKS, mustWrite} from './checks.js'
export {analyseDockerfile, buildModel, stateAt, type ImageModel} from './model.js'
export {parseDockerfile, type ParsedDockerfile, type Instruction} from './parse.js'
