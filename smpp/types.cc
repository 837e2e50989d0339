#include "smpp/types.h"

#include <utility>

namespace confab::smpp {
namespace {

// One table per enum, so that "known" and "name" can never disagree.
constexpr std::pair<CommandId, std::string_view> kCommandNames[] = {
    {CommandId::kGenericNack, "generic_nack"},
    {CommandId::kBindReceiver, "bind_receiver"},
    {CommandId::kBindReceiverResp, "bind_receiver_resp"},
    {CommandId::kBindTransmitter, "bind_transmitter"},
    {CommandId::kBindTransmitterResp, "bind_transmitter_resp"},
    {CommandId::kQuerySm, "query_sm"},
    {CommandId::kQuerySmResp, "query_sm_resp"},
    {CommandId::kSubmitSm, "submit_sm"},
    {CommandId::kSubmitSmResp, "submit_sm_resp"},
    {CommandId::kDeliverSm, "deliver_sm"},
    {CommandId::kDeliverSmResp, "deliver_sm_resp"},
    {CommandId::kUnbind, "unbind"},
    {CommandId::kUnbindResp, "unbind_resp"},
    {CommandId::kReplaceSm, "replace_sm"},
    {CommandId::kReplaceSmResp, "replace_sm_resp"},
    {CommandId::kCancelSm, "cancel_sm"},
    {CommandId::kCancelSmResp, "cancel_sm_resp"},
    {CommandId::kBindTransceiver, "bind_transceiver"},
    {CommandId::kBindTransceiverResp, "bind_transceiver_resp"},
    {CommandId::kOutbind, "outbind"},
    {CommandId::kEnquireLink, "enquire_link"},
    {CommandId::kEnquireLinkResp, "enquire_link_resp"},
    {CommandId::kSubmitMulti, "submit_multi"},
    {CommandId::kSubmitMultiResp, "submit_multi_resp"},
    {CommandId::kAlertNotification, "alert_notification"},
    {CommandId::kDataSm, "data_sm"},
    {CommandId::kDataSmResp, "data_sm_resp"},
};

constexpr std::pair<CommandStatus, std::string_view> kStatusNames[] = {
    {CommandStatus::kOk, "ESME_ROK"},
    {CommandStatus::kInvMsgLen, "ESME_RINVMSGLEN"},
    {CommandStatus::kInvCmdLen, "ESME_RINVCMDLEN"},
    {CommandStatus::kInvCmdId, "ESME_RINVCMDID"},
    {CommandStatus::kInvBndSts, "ESME_RINVBNDSTS"},
    {CommandStatus::kAlyBnd, "ESME_RALYBND"},
    {CommandStatus::kInvPrtFlg, "ESME_RINVPRTFLG"},
    {CommandStatus::kInvRegDlvFlg, "ESME_RINVREGDLVFLG"},
    {CommandStatus::kSysErr, "ESME_RSYSERR"},
    {CommandStatus::kInvSrcAdr, "ESME_RINVSRCADR"},
    {CommandStatus::kInvDstAdr, "ESME_RINVDSTADR"},
    {CommandStatus::kInvMsgId, "ESME_RINVMSGID"},
    {CommandStatus::kBindFail, "ESME_RBINDFAIL"},
    {CommandStatus::kInvPaswd, "ESME_RINVPASWD"},
    {CommandStatus::kInvSysId, "ESME_RINVSYSID"},
    {CommandStatus::kCancelFail, "ESME_RCANCELFAIL"},
    {CommandStatus::kReplaceFail, "ESME_RREPLACEFAIL"},
    {CommandStatus::kMsgQFul, "ESME_RMSGQFUL"},
    {CommandStatus::kInvSerTyp, "ESME_RINVSERTYP"},
    {CommandStatus::kInvNumDests, "ESME_RINVNUMDESTS"},
    {CommandStatus::kInvDlName, "ESME_RINVDLNAME"},
    {CommandStatus::kInvDestFlag, "ESME_RINVDESTFLAG"},
    {CommandStatus::kInvSubRep, "ESME_RINVSUBREP"},
    {CommandStatus::kInvEsmClass, "ESME_RINVESMCLASS"},
    {CommandStatus::kCntSubDl, "ESME_RCNTSUBDL"},
    {CommandStatus::kSubmitFail, "ESME_RSUBMITFAIL"},
    {CommandStatus::kInvSrcTon, "ESME_RINVSRCTON"},
    {CommandStatus::kInvSrcNpi, "ESME_RINVSRCNPI"},
    {CommandStatus::kInvDstTon, "ESME_RINVDSTTON"},
    {CommandStatus::kInvDstNpi, "ESME_RINVDSTNPI"},
    {CommandStatus::kInvSysTyp, "ESME_RINVSYSTYP"},
    {CommandStatus::kInvRepFlag, "ESME_RINVREPFLAG"},
    {CommandStatus::kInvNumMsgs, "ESME_RINVNUMMSGS"},
    {CommandStatus::kThrottled, "ESME_RTHROTTLED"},
    {CommandStatus::kInvSched, "ESME_RINVSCHED"},
    {CommandStatus::kInvExpiry, "ESME_RINVEXPIRY"},
    {CommandStatus::kInvDftMsgId, "ESME_RINVDFTMSGID"},
    {CommandStatus::kXTAppn, "ESME_RX_T_APPN"},
    {CommandStatus::kXPAppn, "ESME_RX_P_APPN"},
    {CommandStatus::kXRAppn, "ESME_RX_R_APPN"},
    {CommandStatus::kQueryFail, "ESME_RQUERYFAIL"},
    {CommandStatus::kInvOptParStream, "ESME_RINVOPTPARSTREAM"},
    {CommandStatus::kOptParNotAllwd, "ESME_ROPTPARNOTALLWD"},
    {CommandStatus::kInvParLen, "ESME_RINVPARLEN"},
    {CommandStatus::kMissingOptParam, "ESME_RMISSINGOPTPARAM"},
    {CommandStatus::kInvOptParamVal, "ESME_RINVOPTPARAMVAL"},
    {CommandStatus::kDeliveryFailure, "ESME_RDELIVERYFAILURE"},
    {CommandStatus::kUnknownErr, "ESME_RUNKNOWNERR"},
};

template <class Table, class Key>
std::string_view Lookup(const Table& table, Key key) {
  for (const auto& [k, name] : table) {
    if (k == key) {
      return name;
    }
  }
  return {};
}

}  // namespace

bool IsKnownCommandId(uint32_t command_id) {
  return !Lookup(kCommandNames, static_cast<CommandId>(command_id)).empty();
}

bool ExpectsResponse(CommandId request) {
  return !IsResponse(request) && request != CommandId::kOutbind &&
         request != CommandId::kAlertNotification &&
         IsKnownCommandId(static_cast<uint32_t>(request));
}

std::string_view CommandIdName(uint32_t command_id) {
  return Lookup(kCommandNames, static_cast<CommandId>(command_id));
}

std::string_view CommandStatusName(CommandStatus status) { return Lookup(kStatusNames, status); }

}  // namespace confab::smpp
