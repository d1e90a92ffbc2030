#include "serve/jobs.h"

#include "serve/security.h"
#include "store/database.h"

namespace shadecast::serve {

Jobs::Jobs() : worker_([this] { Run(); }) {}

Jobs::~Jobs() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

std::string Jobs::Start(const std::string& kind, JobWork work) {
  auto job = std::make_shared<Job>();
  job->id = "j" + NewToken().substr(0, 16);
  job->kind = kind;
  // The job writes as whoever started it (the audit log's actor).
  job->work = [actor = store::ThreadActor(), w = std::move(work)](const Progress& p) {
    store::SetThreadActor(actor);
    return w(p);
  };
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_[job->id] = job;
    queue_.push_back(job);
  }
  wake_.notify_all();
  return job->id;
}

std::optional<nlohmann::json> Jobs::Status(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  const Job& j = *it->second;
  nlohmann::json s = {{"job_id", j.id}, {"kind", j.kind}, {"state", j.state}, {"done", j.done}, {"total", j.total}};
  if (j.state == "done") s["result"] = j.result;
  if (j.state == "failed") s["error"] = j.error;
  return s;
}

void Jobs::Run() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      job = queue_.front();
      queue_.pop_front();
      job->state = "running";
    }
    nlohmann::json result;
    std::string error;
    try {
      result = job->work([&](int done, int total) {
        std::lock_guard<std::mutex> lock(mutex_);
        job->done = done;
        job->total = total;
      });
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    job->work = nullptr;
    if (error.empty()) {
      job->state = "done";
      job->result = std::move(result);
    } else {
      job->state = "failed";
      job->error = error;
    }
  }
}

}  // namespace shadecast::serve
