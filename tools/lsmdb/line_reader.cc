#include "line_reader.h"

#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cwchar>

#include "interrupt.h"

#ifdef LSMDB_HAVE_LIBEDIT
#include <histedit.h>
#endif

namespace lsmdb::cli {

namespace {

class StreamLineReader final : public LineReader {
 public:
  StreamLineReader(FILE* in, FILE* prompt_out) : in_(in), prompt_out_(prompt_out) {}
  ~StreamLineReader() override { std::free(buf_); }

  ReadResult Read(const std::string& prompt, std::string* line) override {
    if (prompt_out_ != nullptr) {
      std::fputs(prompt.c_str(), prompt_out_);
      std::fflush(prompt_out_);
    }
    ClearInterrupt();
    const ssize_t n = getline(&buf_, &cap_, in_);
    if (n < 0) {
      if (Interrupted()) {
        std::clearerr(in_);
        ClearInterrupt();
        if (prompt_out_ != nullptr) std::fputc('\n', prompt_out_);
        return ReadResult::kInterrupted;
      }
      if (prompt_out_ != nullptr) std::fputc('\n', prompt_out_);
      return ReadResult::kEnd;
    }
    line->assign(buf_, static_cast<size_t>(n));
    if (!line->empty() && line->back() == '\n') line->pop_back();
    return ReadResult::kLine;
  }

 private:
  FILE* const in_;
  FILE* const prompt_out_;
  char* buf_ = nullptr;
  size_t cap_ = 0;
};

#ifdef LSMDB_HAVE_LIBEDIT
// Waits until standard input can be read. Returns false, with errno EINTR, once Ctrl-C
// was pressed -- also when SIGINT came just before the wait: SIGINT is blocked while the
// flag is checked and unblocked only inside ppoll, so it cannot slip in between (with a
// plain read(), a Ctrl-C arriving while libedit redraws the line was lost until the next
// key).
bool WaitForKey() {
  sigset_t sigint, old;
  sigemptyset(&sigint);
  sigaddset(&sigint, SIGINT);
  for (;;) {
    pthread_sigmask(SIG_BLOCK, &sigint, &old);
    if (Interrupted()) {
      pthread_sigmask(SIG_SETMASK, &old, nullptr);
      errno = EINTR;
      return false;
    }
    struct pollfd in = {STDIN_FILENO, POLLIN, 0};
    const int r = ppoll(&in, 1, nullptr, &old);
    const int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (r > 0) return true;
    if (r < 0 && saved != EINTR) {
      errno = saved;
      return false;
    }
  }
}

// libedit's EL_GETCFN: one character from standard input, decoded from the locale's
// multibyte encoding (a byte that does not decode is passed on as itself). Returns 1, 0 at
// the end of input, -1 on an error or Ctrl-C.
int ReadKey(EditLine* /*el*/, wchar_t* out) {
  char bytes[MB_LEN_MAX];
  size_t n = 0;
  for (;;) {
    if (!WaitForKey()) {
      *out = L'\0';
      return -1;
    }
    const ssize_t r = read(STDIN_FILENO, bytes + n, 1);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;  // WaitForKey sees a Ctrl-C
      *out = L'\0';
      return -1;
    }
    ++n;
    std::mbstate_t state{};
    const size_t used = std::mbrtowc(out, bytes, n, &state);
    if (used == static_cast<size_t>(-2) && n < sizeof(bytes)) continue;  // more bytes
    if (used == static_cast<size_t>(-1) || used == static_cast<size_t>(-2)) {
      *out = static_cast<wchar_t>(static_cast<unsigned char>(bytes[0]));
    }
    return 1;
  }
}

class EditLineReader final : public LineReader {
 public:
  explicit EditLineReader(std::string history_path) : history_path_(std::move(history_path)) {}

  ~EditLineReader() override {
    if (el_ != nullptr) el_end(el_);
    if (history_ != nullptr) history_end(history_);
  }

  bool Init() {
    el_ = el_init("lsmdb", stdin, stdout, stderr);
    history_ = history_init();
    if (el_ == nullptr || history_ == nullptr) return false;
    HistEvent ev;
    history(history_, &ev, H_SETSIZE, 1000);
    history(history_, &ev, H_SETUNIQUE, 1);
    if (!history_path_.empty()) history(history_, &ev, H_LOAD, history_path_.c_str());
    el_set(el_, EL_CLIENTDATA, this);
    el_set(el_, EL_PROMPT, &EditLineReader::Prompt);
    el_set(el_, EL_EDITOR, "emacs");
    el_set(el_, EL_SIGNAL, 1);  // restore the terminal when a signal ends the process
    el_set(el_, EL_GETCFN, &ReadKey);
    el_set(el_, EL_HIST, history, history_);
    el_source(el_, nullptr);  // the user's ~/.editrc, if any
    return true;
  }

  ReadResult Read(const std::string& prompt, std::string* line) override {
    prompt_ = prompt;
    ClearInterrupt();
    int count = 0;
    const char* text = el_gets(el_, &count);
    if (text == nullptr || count <= 0) {
      std::fputc('\n', stdout);  // leave the terminal on a fresh line
      std::fflush(stdout);
      if (Interrupted()) {
        ClearInterrupt();
        el_reset(el_);
        return ReadResult::kInterrupted;
      }
      return ReadResult::kEnd;
    }
    line->assign(text, static_cast<size_t>(count));
    while (!line->empty() && (line->back() == '\n' || line->back() == '\r')) line->pop_back();
    return ReadResult::kLine;
  }

  void AddHistory(const std::string& line) override {
    HistEvent ev;
    history(history_, &ev, H_ENTER, line.c_str());
    if (!history_path_.empty()) history(history_, &ev, H_SAVE, history_path_.c_str());
  }

 private:
  static char* Prompt(EditLine* el) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return static_cast<EditLineReader*>(data)->prompt_.data();
  }

  const std::string history_path_;
  std::string prompt_;
  EditLine* el_ = nullptr;
  History* history_ = nullptr;
};
#endif  // LSMDB_HAVE_LIBEDIT

}  // namespace

std::unique_ptr<LineReader> NewStreamLineReader(FILE* in, FILE* prompt_out) {
  return std::make_unique<StreamLineReader>(in, prompt_out);
}

std::unique_ptr<LineReader> NewEditLineReader(const std::string& history_path) {
#ifdef LSMDB_HAVE_LIBEDIT
  auto reader = std::make_unique<EditLineReader>(history_path);
  if (reader->Init()) return reader;
#endif
  return nullptr;
}

std::string DefaultHistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    const passwd* pw = getpwuid(getuid());
    home = pw != nullptr ? pw->pw_dir : nullptr;
  }
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.lsmdb_history";
}

}  // namespace lsmdb::cli
