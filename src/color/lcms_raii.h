#pragma once
// RAII over LittleCMS 2: a context per use (never the global one), an error handler that collects
// messages instead of printing them, and handles owned by unique_ptr with the matching deleters.
// Internal to the engine and I/O layers: this header includes lcms2.h, so public headers must not
// include it.
#include <lcms2.h>

#include <memory>
#include <string>
#include <vector>

namespace shadecast::color::lcms {

struct ContextDeleter {
  void operator()(cmsContext c) const { cmsDeleteContext(c); }
};
struct ProfileDeleter {
  void operator()(cmsHPROFILE p) const { cmsCloseProfile(p); }
};
struct TransformDeleter {
  void operator()(cmsHTRANSFORM t) const { cmsDeleteTransform(t); }
};
struct PipelineDeleter {
  void operator()(cmsPipeline* p) const { cmsPipelineFree(p); }
};
struct StageDeleter {
  void operator()(cmsStage* s) const { cmsStageFree(s); }
};
struct ToneCurveDeleter {
  void operator()(cmsToneCurve* c) const { cmsFreeToneCurve(c); }
};

using ProfilePtr = std::unique_ptr<void, ProfileDeleter>;
using TransformPtr = std::unique_ptr<void, TransformDeleter>;
using PipelinePtr = std::unique_ptr<cmsPipeline, PipelineDeleter>;
using StagePtr = std::unique_ptr<cmsStage, StageDeleter>;
using ToneCurvePtr = std::unique_ptr<cmsToneCurve, ToneCurveDeleter>;

// A LittleCMS context whose error messages are collected into errors().
class Context {
 public:
  Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  cmsContext get() const { return ctx_.get(); }
  const std::vector<std::string>& errors() const { return errors_; }
  // Throws std::runtime_error with `what` and the collected messages when `ok` is false.
  void Check(bool ok, const std::string& what) const;

 private:
  static void OnError(cmsContext ctx, cmsUInt32Number code, const char* text);
  std::vector<std::string> errors_;
  std::unique_ptr<struct _cmsContext_struct, ContextDeleter> ctx_;
};

}  // namespace shadecast::color::lcms
