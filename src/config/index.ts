/**
 * src/config — one definition per configuration key: its type, range and default, written once with
 * TypeBox, which gives both the JSON schema that validates (ajv) and the TypeScript type. Every stage
 * and the CLI validate through here; nothing else spells a key's range.
 *   kit.ts         int / num / lr / oneOf / nameList / closed: the building blocks
 *   validate.ts    resolve (fill defaults, validate), check (validate as is), messages naming key + range
 *   data.ts        data section, split, preprocess          backbone.ts  backbone section and stage
 *   compare.ts     compare section (over the head registry's names)
 *   explain.ts     explain section (over the CAM / SHAP method names)
 *   noise.ts       noise section (swept channels from src/quantum/channels), its study form
 *   report.ts      report section                           experiment.ts  the whole `qmri run` config
 *   flags.ts       CLI flag parsers that take a key's range from its definition
 * Adding a key = one line in its section; its CLI flag (if any) = `flagParser(Section.properties.key, '--flag')`.
 * Below every stage in the import order: it imports only src/quantum's registries and src/data/tta's
 * view names.
 */
export * from './kit.js';
export * from './validate.js';
export * from './data.js';
export * from './backbone.js';
export * from './compare.js';
export * from './explain.js';
export * from './noise.js';
export * from './report.js';
export * from './experiment.js';
export * from './flags.js';
