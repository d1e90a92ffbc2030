#pragma once
// Long work in the background with its progress (issue 21: a batch forecast or an import shows
// progress in the page): POST starts a job and answers 202 {"job_id"} at once; the page polls
// GET /api/jobs/{id} for {"state": "running"|"done"|"failed", "done", "total", "result"|"error"}.
// Jobs run one after another on a worker thread of their own (the database has one writer).
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace shadecast::serve {

// Reports (done, total) as the work goes.
using Progress = std::function<void(int done, int total)>;
// The work: returns its result JSON or throws (the message becomes the job's error).
using JobWork = std::function<nlohmann::json(const Progress&)>;

class Jobs {
 public:
  Jobs();
  ~Jobs();  // finishes the running job, drops queued ones
  Jobs(const Jobs&) = delete;
  Jobs& operator=(const Jobs&) = delete;

  std::string Start(const std::string& kind, JobWork work);  // the new job's id
  std::optional<nlohmann::json> Status(const std::string& id) const;

 private:
  struct Job {
    std::string id, kind, state = "queued", error;
    int done = 0, total = 0;
    nlohmann::json result;
    JobWork work;
  };
  void Run();
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace shadecast::serve
