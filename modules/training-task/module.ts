import type { AppModule } from "../../chain/framework/module.ts";
import { defaultTrainingTaskGenesis, exportTrainingTaskGenesis, initTrainingTaskGenesis, type TrainingTaskGenesis } from "./genesis.ts";
import type { TrainingTaskKeeper } from "./keeper.ts";
import { TRAINING_TASK_STORE_PREFIX } from "./keys.ts";
import { trainingTaskMsgs } from "./msg-server.ts";
import { trainingTaskQueries } from "./query-server.ts";

export function trainingTaskModule(keeper: TrainingTaskKeeper): AppModule {
  return {
    name: "training_task",
    storePrefix: TRAINING_TASK_STORE_PREFIX,
    msgs: trainingTaskMsgs(keeper),
    queries: trainingTaskQueries(keeper),
    defaultGenesis: defaultTrainingTaskGenesis,
    initGenesis: (ctx, state) => initTrainingTaskGenesis(ctx, keeper, state as TrainingTaskGenesis),
    exportGenesis: (ctx) => exportTrainingTaskGenesis(ctx, keeper),
    endBlock: (ctx) => keeper.endBlock(ctx),
    invariants: [{ name: "segment-states", check: (ctx) => keeper.checkSegments(ctx) }],
  };
}
