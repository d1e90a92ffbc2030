// The shipped Monte Carlo tables (data/optics/mc_tables.pb) compiled into the engine, so the forward
// model needs no file at run time. The bytes are included by the assembler (.incbin); the path comes
// from CMake (SHADECAST_MC_TABLES_FILE) and the object is rebuilt when the file changes.
#include <mutex>
#include <stdexcept>

#include "optics/mc_tables.h"
#include "optics/table_model.h"
#include "shadecast/optics.pb.h"

#ifndef SHADECAST_MC_TABLES_FILE
#error "SHADECAST_MC_TABLES_FILE must name data/optics/mc_tables.pb"
#endif

__asm__(".section .rodata\n"
        ".balign 16\n"
        ".global shadecast_mc_tables_begin\n"
        "shadecast_mc_tables_begin:\n"
        ".incbin \"" SHADECAST_MC_TABLES_FILE "\"\n"
        ".global shadecast_mc_tables_end\n"
        "shadecast_mc_tables_end:\n"
        ".byte 0\n"
        ".previous\n");

#ifdef SHADECAST_MC_TABLES_SHA256
// The content hash of the file (from CMake): keeps compiler caches from serving an object made from
// another table. Not read at run time.
[[maybe_unused]] static const char kTablesSha256[] = SHADECAST_MC_TABLES_SHA256;
#endif

extern "C" const char shadecast_mc_tables_begin[];
extern "C" const char shadecast_mc_tables_end[];

namespace shadecast::optics {

const McTables& ShippedTables() {
  static const McTables t = [] {
    pb::McTables msg;
    const auto size = static_cast<int>(shadecast_mc_tables_end - shadecast_mc_tables_begin);
    if (!msg.ParseFromArray(shadecast_mc_tables_begin, size))
      throw std::runtime_error("the compiled-in Monte Carlo tables do not parse (rebuild after `optics tabulate`)");
    return FromProto(msg);
  }();
  return t;
}

const TableModel& TableModel::Shipped() {
  static const TableModel m(ShippedTables());
  return m;
}

}  // namespace shadecast::optics
