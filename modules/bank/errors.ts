export { SdkErrors as BankErrors } from "../../chain/framework/errors.ts";
