#pragma once
// Inside the SQLite store (src/store/database*.cpp only): a prepared statement, the connection with
// its transactions, and protobuf serialisation. Not part of the store's interface.
#include <sqlite3.h>

#include <google/protobuf/message.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <utility>

#include "store/database.h"

namespace shadecast::store {

class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& where) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw DatabaseError(where + ": " + sqlite3_errmsg(db));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& Bind(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& BindBlob(int i, const std::string& s) {
    sqlite3_bind_blob(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // True while rows come; throws on error.
  bool Step(const std::string& where) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw DatabaseError(where + ": " + sqlite3_errmsg(db_));
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  std::string Blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : "";
  }
  int Int(int col) const { return sqlite3_column_int(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

inline std::string Serialize(const google::protobuf::Message& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

struct Database::Impl {
  sqlite3* db = nullptr;
  std::string name;

  void Exec(const char* sql, const std::string& where) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      if (msg.find("locked") != std::string::npos || msg.find("busy") != std::string::npos)
        msg += " (another shadecast may be writing to it; try again)";
      throw DatabaseError(name + ": " + where + ": " + msg);
    }
  }

  std::string actor = ThreadActor();  // who changes things (SetActor, SetThreadActor)

  // The audit row of a change, written by Transaction::Commit just before COMMIT.
  struct Change {
    std::string action;       // e.g. "client.add"
    std::string object_type;  // "client", "staff", "profile"
    std::string object_id;    // an id, never a name
  };
  void WriteAudit(const Change& c);

  // BEGIN IMMEDIATE ... COMMIT, rolled back if the scope is left by an exception. Every change
  // names itself: Commit writes its audit row inside the same transaction (issue 22), so the row
  // exists exactly when the change does. Only a schema migration has no audit row (the table may
  // not exist yet).
  class Transaction {
   public:
    Transaction(Impl* impl, Change change) : impl_(impl), change_(std::move(change)) {
      impl_->Exec("BEGIN IMMEDIATE", "begin a transaction");
    }
    static Transaction Migration(Impl* impl) { return Transaction(impl, Change{}); }
    Transaction(Transaction&& o) noexcept : impl_(o.impl_), change_(std::move(o.change_)), done_(o.done_) { o.done_ = true; }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
      if (!done_) sqlite3_exec(impl_->db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    // The audit row of a transaction that changed more than one object, or named its object late.
    void SetObject(const std::string& id) { change_.object_id = id; }
    void Commit() {
      if (!change_.action.empty()) impl_->WriteAudit(change_);
      FaultPoint("before:");
      impl_->Exec("COMMIT", "commit");
      done_ = true;
      FaultPoint("after:");
    }

   private:
    // Fault injection for the crash-safety tests: SHADECAST_FAULT_KILL=before:ACTION (or after:)
    // raises SIGKILL just before (after) the COMMIT of a change named ACTION, e.g. visit.add.
    void FaultPoint(const char* when) const {
      const char* f = std::getenv("SHADECAST_FAULT_KILL");
      if (f && !change_.action.empty() && std::string(f) == std::string(when) + change_.action) std::raise(SIGKILL);
    }
    Impl* impl_;
    Change change_;
    bool done_ = false;
  };

  int UserVersion() const {
    Statement st(db, "PRAGMA user_version", name);
    st.Step(name);
    return st.Int(0);
  }

  void RequireClient(const std::string& id) const {
    Statement st(db, "SELECT 1 FROM clients WHERE id = ?", name);
    st.Bind(1, id);
    if (!st.Step(name)) throw DatabaseError(name + ": no client '" + id + "' (see `shadecast client list`)");
  }
};

}  // namespace shadecast::store
