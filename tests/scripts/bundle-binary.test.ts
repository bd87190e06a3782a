// The build's bundling step (scripts/bundle-binary.mjs) fails when the config schema's
// validator compiled at build time did not take the place of the one that compiles at every
// tick. Each case bundles into a temp folder, so the checkout's dist/ is left alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundleBinary, compileValidatorSource } from '../../scripts/bundle-binary.mjs';
import { AJV_OPTIONS } from '../../src/config/ajv-options.js';
import { configSchema } from '../../src/config/schema.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('fixtures/bundle/', import.meta.url));
/** A validator of anything that is an object, compiled as the build compiles the config schema. */
const OBJECT_VALIDATOR = compileValidatorSource({ type: 'object' }, {});

describe('bundling the binary', () => {
  it('puts the prebuilt validator of the config schema in the bundle, and not ajv', async () => {
    const outdir = makeTempDir();
    const metafile = await bundleBinary({
      entry: join(ROOT, 'src/cli/bin.ts'),
      outdir,
      validatorSource: compileValidatorSource(configSchema, AJV_OPTIONS),
    });

    const inputs = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    assert.ok(
      inputs.includes('prebuilt-schema-validator:compiled.cjs'),
      `the prebuilt validator is bundled: ${inputs.filter((input) => input.includes('valid')).join(', ')}`,
    );
    assert.deepEqual(
      inputs.filter(
        (input) => input.includes('node_modules/ajv/') && !input.includes('node_modules/ajv/dist/runtime/'),
      ),
      [],
      'of ajv, only the runtime helpers the generated code requires',
    );
    assert.ok(
      !inputs.some((input) => input.endsWith('src/config/schema-validator.ts')),
      'the validator that compiles at run time is not',
    );
    assert.deepEqual(readdirSync(outdir), ['watchdog.js'], 'the bundle is written where asked, and nothing else');
  });

  it('uses the prebuilt validator where the entry asks for the schema validator', async () => {
    const outdir = makeTempDir();
    await bundleBinary({ entry: join(FIXTURES, 'prebuilt.ts'), outdir, validatorSource: OBJECT_VALIDATOR });

    // The fixture's own module throws when called: the object validator answered instead.
    const run = spawnSync(process.execPath, [join(outdir, 'watchdog.js')], { encoding: 'utf8' });
    assert.deepEqual(
      { code: run.status, stdout: run.stdout, stderr: run.stderr },
      { code: 0, stdout: 'true false\n', stderr: '' },
    );
  });

  it('fails when nothing it would replace is imported, as after a rename of the validator module', async () => {
    await assert.rejects(
      bundleBinary({ entry: join(FIXTURES, 'renamed.ts'), outdir: makeTempDir(), validatorSource: OBJECT_VALIDATOR }),
      {
        message:
          /^the prebuilt schema validator replaced nothing: no import in the bundle matched \/\\\/schema-validator\\\.js\$\/ \(was src\/config\/schema-validator\.ts renamed\?\)/,
      },
    );
  });

  it("fails when the build's own entry is bundled with a filter that matches no import", async () => {
    await assert.rejects(
      bundleBinary({
        entry: join(ROOT, 'src/cli/bin.ts'),
        outdir: makeTempDir(),
        validatorSource: OBJECT_VALIDATOR,
        validatorImport: /\/config-validator\.js$/,
      }),
      {
        message:
          /^the prebuilt schema validator replaced nothing: no import in the bundle matched \/\\\/config-validator\\\.js\$\//,
      },
    );
  });

  it('fails when a module beside the prebuilt validator loads ajv at run time, whatever its name', async () => {
    await assert.rejects(
      bundleBinary({ entry: join(FIXTURES, 'beside.ts'), outdir: makeTempDir(), validatorSource: OBJECT_VALIDATOR }),
      {
        message: /^the bundle loads ajv at run time \(require\('ajv'\) is left in it\)/,
      },
    );
  });

  it("fails when ajv's compiler is bundled beside the prebuilt validator", async () => {
    await assert.rejects(
      bundleBinary({
        entry: join(FIXTURES, 'static-ajv.ts'),
        outdir: makeTempDir(),
        validatorSource: OBJECT_VALIDATOR,
      }),
      {
        message:
          /^the bundle holds ajv's schema compiler \(.*node_modules\/ajv\/dist\/.*\): something imports ajv beside the prebuilt schema validator/,
      },
    );
  });
});
