// bank Msg service: MsgSend (so CosmJS sendTokens works unchanged).
import { MsgSend, MsgSendResponse } from "cosmjs-types/cosmos/bank/v1beta1/tx";
import { msgHandler, type MsgHandler } from "../../chain/framework/module.ts";
import { fromBech32 } from "../../chain/framework/address.ts";
import { parseProtoCoins } from "../../chain/framework/coins.ts";
import { SdkErrors } from "../../chain/framework/errors.ts";
import type { BankKeeper } from "./keeper.ts";

export function bankMsgs(keeper: BankKeeper): MsgHandler<unknown>[] {
  return [
    msgHandler<MsgSend>({
      typeUrl: "/cosmos.bank.v1beta1.MsgSend",
      codec: MsgSend,
      signers: (msg) => [msg.fromAddress],
      validateBasic: (msg) => {
        fromBech32(msg.fromAddress);
        fromBech32(msg.toAddress);
        const coins = parseProtoCoins(msg.amount);
        if (coins.length === 0) throw SdkErrors.InvalidCoins.wrap("send amount is empty");
      },
      handle: (ctx, msg) => {
        keeper.sendFromUser(ctx, fromBech32(msg.fromAddress), fromBech32(msg.toAddress), parseProtoCoins(msg.amount));
        return { typeUrl: "/cosmos.bank.v1beta1.MsgSendResponse", value: MsgSendResponse.encode({}).finish() };
      },
    }),
  ];
}
