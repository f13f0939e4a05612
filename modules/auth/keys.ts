// auth store layout (under the module's prefix). Never renumber; retired prefixes stay as comments.
export const AUTH_STORE_PREFIX = 0x01;
export const AccountKeyPrefix = 0x01; // 0x01 ‖ address(20) → Any(BaseAccount | ModuleAccount)
export const NextAccountNumberKey = Uint8Array.of(0x02); // → uint64 BE
export const ParamsKey = Uint8Array.of(0x03); // → Params (proto)
export const ModuleAccountName = "auth";
export const FEE_COLLECTOR = "fee_collector";
