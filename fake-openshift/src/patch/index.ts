/**
 * The fake API server's patch engine: pure functions, no I/O.
 * JSON patch, merge patch, strategic merge patch, server-side apply and managedFields bookkeeping.
 */
export {applyJsonPatch} from './json-patch.js'
export {applyMergePatch} from './merge-patch.js'
export {applyStrategicMergePatch} from './strategic-merge.js'
export {strategicMergeSupported, rulesFor, type FieldRule, type Rules} from './schema.js'
export {PatchApplyError} from './errors.js'
export {FieldSet, pathString, type FieldPath, type PathElement} from './fieldpath.js'
export {compareObjects, configFields, mergeApplied, type Comparison} from './fields.js'
export {
  LAST_APPLIED_ANNOTATION,
  defaultFieldManager,
  fieldsOf,
  ownableFields,
  recordUpdate,
  serverSideApply,
  sortManagedFields,
  type ServerSideApplyOptions,
} from './managed-fields.js'
