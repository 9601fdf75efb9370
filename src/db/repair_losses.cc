#include "db/repair_losses.h"

#include <cstdio>

namespace lsmdb {
namespace {

constexpr size_t kMaxKeyShown = 64;
constexpr size_t kMaxRangesShown = 8;

std::string RangeText(const SalvageRange& r) {
  if (!r.has_smallest && !r.has_largest) return "any key";
  if (!r.has_smallest) return "keys up to " + QuoteKey(r.largest);
  if (!r.has_largest) return "keys from " + QuoteKey(r.smallest);
  if (r.smallest == r.largest) return "key " + QuoteKey(r.smallest);
  return "keys " + QuoteKey(r.smallest) + " .. " + QuoteKey(r.largest);
}

}  // namespace

std::string QuoteKey(std::string_view key) {
  std::string r = "\"";
  for (size_t i = 0; i < key.size() && i < kMaxKeyShown; i++) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      r += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      r += buf;
    }
  }
  if (key.size() > kMaxKeyShown) r += "...";
  return r + "\"";
}

std::string NoteTableLoss(const std::string& name, const SalvageReport& salvage,
                          RepairReport* report) {
  report->trailing_bytes += salvage.trailing_bytes;
  if (!salvage.lost_entries()) return "";
  std::string line = name + ": ";
  if (salvage.has_recorded_entries && salvage.recorded_entries >= salvage.entries) {
    const uint64_t lost = salvage.recorded_entries - salvage.entries;
    report->records_lost += lost;
    line +=
        std::to_string(lost) + " of " + std::to_string(salvage.recorded_entries) + " records lost";
    if (lost == 0) {
      // Damage met, yet every recorded entry was read: the count of the properties
      // block is trusted; the ranges below are where the damage was.
      line += " (damaged bytes, no entries among them)";
    }
  } else {
    report->uncounted_loss = true;
    line += "records lost (their number is unknown: the table's properties are unreadable), " +
            std::to_string(salvage.entries) + " kept";
  }
  line += "; " + std::to_string(salvage.bad_blocks) + " damaged block" +
          (salvage.bad_blocks == 1 ? "" : "s");
  if (salvage.walked) line += ", blocks found without the index";
  line += "; ";
  for (size_t i = 0; i < salvage.lost_ranges.size() && i < kMaxRangesShown; i++) {
    if (i > 0) line += ", ";
    line += RangeText(salvage.lost_ranges[i]);
  }
  if (salvage.lost_ranges.size() > kMaxRangesShown) {
    line += " and " + std::to_string(salvage.lost_ranges.size() - kMaxRangesShown) + " more ranges";
  }
  line += " may now show an older value or none";
  report->losses.push_back(line);
  return line;
}

std::string NoteLogLoss(const std::string& name, uint64_t skipped_records, uint64_t damaged_bytes,
                        RepairReport* report) {
  if (skipped_records == 0 && damaged_bytes == 0) return "";
  std::string line = name + ": ";
  if (skipped_records > 0) {
    report->records_lost += skipped_records;
    line += std::to_string(skipped_records) + " malformed records skipped";
  }
  if (damaged_bytes > 0) {
    report->uncounted_loss = true;
    if (skipped_records > 0) line += ", ";
    line += std::to_string(damaged_bytes) +
            " damaged bytes skipped (the writes in them cannot be counted)";
  }
  line += "; any key written while this log was live may now show an older value or none";
  report->losses.push_back(line);
  return line;
}

std::string LossSummary(const RepairReport& report) {
  if (!report.lost()) return "nothing lost";
  std::string s = "RECORDS LOST: ";
  if (report.records_lost > 0) s += std::to_string(report.records_lost) + " records counted";
  if (report.uncounted_loss) {
    s += report.records_lost > 0 ? ", and more that cannot be counted"
                                 : "a number that cannot be counted";
  }
  s += ", in " + std::to_string(report.losses.size()) + " file" +
       (report.losses.size() == 1 ? "" : "s") + " (see the LOST lines)";
  return s;
}

}  // namespace lsmdb
