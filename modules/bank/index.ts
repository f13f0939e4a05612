export { BankKeeper } from "./keeper.ts";
export { bankModule } from "./module.ts";
export { defaultBankGenesis } from "./genesis.ts";
export type { BankGenesis } from "./genesis.ts";
export type { AccountKeeperForBank } from "./expected-keepers.ts";
