// bank store layout (under the module's prefix). Never renumber.
export const BANK_STORE_PREFIX = 0x02;
export const BalancePrefix = 0x01; // 0x01 ‖ address(20) ‖ denom → amount (decimal ASCII)
export const SupplyPrefix = 0x02; // 0x02 ‖ denom → amount (decimal ASCII)
