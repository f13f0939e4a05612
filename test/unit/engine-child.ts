// Child process for the cross-process determinism test: builds `arch` with part A's builder,
// runs `steps` steps on an MNIST subset under the profile given as JSON and writes the checkpoint.
import { writeFileSync } from "node:fs";
import { encodeCheckpoint } from "../../worker/checkpoint/index.ts";
import { importMnist, takeSamples } from "../../worker/data/index.ts";
import { buildModel, parseOptimizerSpec } from "../../worker/onnx/index.ts";
import { createStepRunner, trainSteps } from "../../worker/runtime/index.ts";
import type { NumericsProfile } from "../../worker/types.ts";
import { initialCheckpoint } from "../../cli/commands/model.ts";

const [profileJson, out, arch, optimizer, steps] = process.argv.slice(2) as [string, string, string, string, string];
const bundle = buildModel({ arch, loss: "cross_entropy", optimizer: parseOptimizerSpec(optimizer), seed: 7 });
const spec = { params: [...bundle.params.keys()], optimizerState: bundle.optimizerState, inputs: bundle.inputs, labels: bundle.labels };
const runner = await createStepRunner(bundle.step, JSON.parse(profileJson) as NumericsProfile, spec);
runner.load(initialCheckpoint(bundle));
const ds = takeSamples(importMnist("test"), 2000);
const lr = optimizer === "adam" ? 0.001 : 0.1;
const { final } = await trainSteps({ runner, spec, dataset: ds, seed: 5n, batchSize: 64, lr, steps: Number(steps) });
writeFileSync(out, encodeCheckpoint(final));
