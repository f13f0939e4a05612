// data-registry needs nothing from other modules: owners and grantees are plain addresses, and
// royalties are paid by the reward module, which reads datasets through DataRegistryKeeper.
export type DataRegistryDependencies = Record<string, never>;
