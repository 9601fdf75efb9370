#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace lsmdb::cli {

namespace {

std::string HumanBytes(double bytes) {
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[unit]);
  return buf;
}

std::string HumanCount(uint64_t n) {
  char buf[32];
  if (n >= 10'000'000) {
    std::snprintf(buf, sizeof(buf), "%.1fM", static_cast<double>(n) / 1e6);
  } else if (n >= 10'000) {
    std::snprintf(buf, sizeof(buf), "%.1fk", static_cast<double>(n) / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(n));
  }
  return buf;
}

std::string Duration(double seconds) {
  const auto s = static_cast<unsigned long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%llu:%02llu", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

Progress::Progress(std::string label, uint64_t total_bytes)
    : label_(std::move(label)),
      total_bytes_(total_bytes),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(Clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

std::string Progress::Format(const std::string& label, uint64_t total_bytes, uint64_t bytes,
                             uint64_t records, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
  std::string line = label + "  ";
  if (total_bytes > 0) {
    const double fraction =
        bytes >= total_bytes ? 1.0 : static_cast<double>(bytes) / static_cast<double>(total_bytes);
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    line += '[' + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    char pct[16];
    std::snprintf(pct, sizeof(pct), "%3.0f%%", fraction * 100);
    line += pct;
  } else {
    line += HumanBytes(static_cast<double>(bytes));
  }
  line += "  " + HumanCount(records) + " records  " + HumanBytes(rate) + "/s";
  if (total_bytes > 0 && rate > 0 && bytes < total_bytes) {
    line += "  ETA " + Duration(static_cast<double>(total_bytes - bytes) / rate);
  }
  return line;
}

void Progress::Update(uint64_t bytes, uint64_t records) {
  if (!enabled_ || (++calls_ & 1023) != 0) return;
  UpdateCoarse(bytes, records);
}

void Progress::UpdateCoarse(uint64_t bytes, uint64_t records) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const std::string line = Format(label_, total_bytes_, bytes, records, seconds);
  std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  if (drawn_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace lsmdb::cli
