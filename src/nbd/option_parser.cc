#include "nbd/option_parser.h"

#include "base/coding.h"

namespace zerofs::nbd {

namespace {

using Kind = ParsedOption::Kind;

ParsedOption Invalid(uint32_t option, std::string why) {
  ParsedOption p;
  p.kind = Kind::kInvalid;
  p.option = option;
  p.error = std::move(why);
  return p;
}

// Empty if `name` is an acceptable NBD string, else the reason.
std::string CheckName(std::string_view name) {
  if (name.size() > kMaxStringSize) {
    return "export name is " + std::to_string(name.size()) + " bytes; the limit is " +
           std::to_string(kMaxStringSize);
  }
  if (name.find('\0') != std::string_view::npos) return "export name contains a NUL byte";
  return {};
}

bool GetBE16(Decoder* d, uint16_t* v) {
  std::string_view raw;
  if (!d->GetRaw(2, &raw)) return false;
  *v = static_cast<uint16_t>((static_cast<uint8_t>(raw[0]) << 8) | static_cast<uint8_t>(raw[1]));
  return true;
}

ParsedOption ParseInfoOrGo(uint32_t option, std::string_view payload) {
  const char* what = option == kOptGo ? "NBD_OPT_GO" : "NBD_OPT_INFO";
  Decoder d(payload);
  uint32_t name_len = 0;
  if (!d.GetBE32(&name_len)) return Invalid(option, std::string(what) + ": payload too short");
  std::string_view name;
  if (!d.GetRaw(name_len, &name)) {
    return Invalid(option, std::string(what) + ": name length exceeds the payload");
  }
  if (std::string err = CheckName(name); !err.empty()) return Invalid(option, err);
  uint16_t count = 0;
  if (!GetBE16(&d, &count)) {
    return Invalid(option, std::string(what) + ": missing information request count");
  }
  if (d.remaining() != 2ull * count) {
    return Invalid(option, std::string(what) + ": information request count " +
                               std::to_string(count) + " does not match the payload");
  }
  ParsedOption p;
  p.kind = option == kOptGo ? Kind::kGo : Kind::kInfo;
  p.option = option;
  p.name = std::string(name);
  p.info_requests.resize(count);
  for (uint16_t& info : p.info_requests) GetBE16(&d, &info);
  return p;
}

ParsedOption Simple(uint32_t option, Kind kind) {
  ParsedOption p;
  p.kind = kind;
  p.option = option;
  return p;
}

}  // namespace

bool ParseClientFlags(std::string_view in, ClientFlags* flags) {
  if (in.size() != kClientFlagsSize) return false;
  uint32_t v = LoadBE32(in.data());
  if ((v & ~(kClientFlagFixedNewstyle | kClientFlagNoZeroes)) != 0) return false;
  flags->fixed_newstyle = (v & kClientFlagFixedNewstyle) != 0;
  flags->no_zeroes = (v & kClientFlagNoZeroes) != 0;
  return true;
}

OptionHeaderCheck CheckOptionHeader(const OptionHeader& h, uint32_t max_payload) {
  if (h.magic != kIHaveOpt) return OptionHeaderCheck::kBadMagic;
  if (h.length > max_payload) return OptionHeaderCheck::kTooBig;
  return OptionHeaderCheck::kOk;
}

ParsedOption ParseOption(uint32_t option, std::string_view payload) {
  switch (option) {
    case kOptExportName: {
      if (std::string err = CheckName(payload); !err.empty()) return Invalid(option, err);
      ParsedOption p = Simple(option, Kind::kExportName);
      p.name = std::string(payload);
      return p;
    }
    case kOptAbort:
      return Simple(option, Kind::kAbort);
    case kOptList:
      if (!payload.empty()) return Invalid(option, "NBD_OPT_LIST takes no payload");
      return Simple(option, Kind::kList);
    case kOptInfo:
    case kOptGo:
      return ParseInfoOrGo(option, payload);
    case kOptStructuredReply:
      if (!payload.empty()) return Invalid(option, "NBD_OPT_STRUCTURED_REPLY takes no payload");
      return Simple(option, Kind::kStructuredReply);
    default:
      return Simple(option, Kind::kUnsupported);
  }
}

}  // namespace zerofs::nbd
