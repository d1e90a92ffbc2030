#include "color/lcms_raii.h"

#include <stdexcept>

namespace shadecast::color::lcms {

Context::Context() : ctx_(cmsCreateContext(nullptr, this)) {
  if (!ctx_) throw std::runtime_error("LittleCMS: cannot create a context");
  cmsSetLogErrorHandlerTHR(ctx_.get(), &Context::OnError);
}

void Context::OnError(cmsContext ctx, cmsUInt32Number code, const char* text) {
  auto* self = static_cast<Context*>(cmsGetContextUserData(ctx));
  if (self) self->errors_.push_back("[" + std::to_string(code) + "] " + (text ? text : ""));
}

void Context::Check(bool ok, const std::string& what) const {
  if (ok) return;
  std::string msg = "LittleCMS: " + what;
  for (const auto& e : errors_) msg += "; " + e;
  throw std::runtime_error(msg);
}

}  // namespace shadecast::color::lcms
