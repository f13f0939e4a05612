// auth reuses the SDK's codes (codespace "sdk") as the Cosmos SDK's x/auth does.
export { SdkErrors as AuthErrors } from "../../chain/framework/errors.ts";
