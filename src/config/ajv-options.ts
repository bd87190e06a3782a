/**
 * How the config schema is compiled, the same at build time (the prebuilt validator) and
 * at run time (the fallback when there is none, as under the tests).
 */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, discriminator: true } as const;
