/**
 * How the config schema is compiled, the same at build time (the prebuilt validator) and
 * at run time (the fallback when there is none, as under the tests). None of these lets the
 * validator change what it checks (no useDefaults, coerceTypes or removeAdditional): a config
 * text that passed once is taken as passing again without the validator
 * (src/config/schema-memo.ts), which is only right while the validator only judges.
 */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, discriminator: true } as const;
