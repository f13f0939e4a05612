// Child process for the determinism tests: runs `steps` logistic-regression steps on an MNIST
// subset under the profile given as JSON in argv[2] and writes the checkpoint to argv[3].
import { writeFileSync } from "node:fs";
import { encodeCheckpoint } from "../../worker/checkpoint/index.ts";
import { importMnist, takeSamples } from "../../worker/data/index.ts";
import { createStepRunner, trainSteps } from "../../worker/runtime/index.ts";
import type { NumericsProfile } from "../../worker/types.ts";
import { logregFixture } from "./engine-fixtures.ts";

const profile = JSON.parse(process.argv[2] as string) as NumericsProfile;
const out = process.argv[3] as string;
const steps = Number(process.argv[4] ?? "20");
const batch = Number(process.argv[5] ?? "64");
const fx = logregFixture();
const runner = await createStepRunner(fx.step, profile, fx.spec);
runner.load(fx.init);
const ds = takeSamples(importMnist("test"), 2000);
const { final } = await trainSteps({ runner, spec: fx.spec, dataset: ds, seed: 5n, batchSize: batch, lr: 0.1, steps });
writeFileSync(out, encodeCheckpoint(final));
