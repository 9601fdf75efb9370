// The epoll event loop and the worker pool (server.h).
#include "server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <thread>
#include <unordered_map>

namespace lsmdb::server {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kMaxReadsPerEvent = 16;
constexpr int kMaxAcceptsPerEvent = 64;
constexpr size_t kMaxCommandsPerJob = 1024;
constexpr size_t kOutputSoftLimit = 4 << 20;  // stop reading a client past this

struct Conn {
  int fd = -1;
  ClientState client;
  RespParser parser;
  std::string in;
  std::string out;
  size_t out_pos = 0;
  bool busy = false;          // a worker holds it
  bool closing = false;       // close once out is sent
  bool dead = false;          // close as soon as it is not busy
  bool want_write = false;    // EPOLLOUT registered
  bool reading = true;        // EPOLLIN registered
  std::string pending_error;  // a protocol error to reply after the running job
  std::vector<std::vector<std::string>> job;
  std::string job_out;
  explicit Conn(const RespLimits& l) : parser(l) {}
};

class Loop {
 public:
  explicit Loop(ServerState* s) : s_(s) {}
  int Run();

 private:
  bool Setup();
  int ListenTcp();
  int ListenUnix();
  void Accept(int lfd, bool is_unix);
  void OnReadable(Conn* c);
  void Dispatch(Conn* c);
  void Flush(Conn* c);
  void UpdateEvents(Conn* c);
  void Close(Conn* c);
  void OnJobsDone();
  void Worker();
  void FsyncThread();
  RespLimits Limits();

  ServerState* s_;
  int ep_ = -1, tcp_ = -1, unix_ = -1, efd_ = -1, sfd_ = -1;
  std::unordered_map<int, std::unique_ptr<Conn>> conns_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Conn*> queue_;  // jobs for workers, under mu_
  std::vector<Conn*> done_;  // finished jobs, under mu_
  bool stop_workers_ = false;
  std::vector<std::thread> workers_;
  std::thread fsync_thread_;
  std::condition_variable fsync_cv_;
};

RespLimits Loop::Limits() {
  std::lock_guard<std::mutex> l(s_->mu);
  RespLimits r;
  r.max_bulk_len = s_->settings.proto_max_bulk_len;
  r.max_args = s_->settings.max_args;
  return r;
}

int Loop::ListenTcp() {
  const Settings& st = s_->settings;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(st.port));
  if (inet_pton(AF_INET, st.bind.c_str(), &a.sin_addr) != 1) {
    std::fprintf(stderr, "lsmdb-server: bad --bind address %s\n", st.bind.c_str());
    close(fd);
    return -1;
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 511) != 0) {
    std::fprintf(stderr, "lsmdb-server: cannot listen on %s:%d: %s\n", st.bind.c_str(), st.port,
                 std::strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

int Loop::ListenUnix() {
  const std::string& path = s_->settings.unixsocket;
  sockaddr_un a{};
  if (path.size() >= sizeof(a.sun_path)) {
    std::fprintf(stderr, "lsmdb-server: --unixsocket path too long\n");
    return -1;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.c_str(), path.size());
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 511) != 0) {
    std::fprintf(stderr, "lsmdb-server: cannot listen on %s: %s\n", path.c_str(),
                 std::strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

bool Loop::Setup() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sfd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  efd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s_->settings.port > 0 && (tcp_ = ListenTcp()) < 0) return false;
  if (!s_->settings.unixsocket.empty() && (unix_ = ListenUnix()) < 0) return false;
  for (int fd : {tcp_, unix_, efd_, sfd_}) {
    if (fd < 0) continue;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  }
  return true;
}

void Loop::Accept(int lfd, bool is_unix) {
  for (int i = 0; i < kMaxAcceptsPerEvent; i++) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd = accept4(lfd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    s_->connections_received.fetch_add(1);
    int64_t maxclients;
    std::string pass;
    {
      std::lock_guard<std::mutex> l(s_->mu);
      maxclients = s_->settings.maxclients;
      pass = s_->settings.requirepass;
    }
    if (static_cast<int64_t>(conns_.size()) >= maxclients) {
      const char msg[] = "-ERR max number of clients reached\r\n";
      ssize_t w = write(fd, msg, sizeof(msg) - 1);
      (void)w;
      close(fd);
      s_->rejected_connections.fetch_add(1);
      continue;
    }
    auto c = std::make_unique<Conn>(Limits());
    c->fd = fd;
    c->client.id = s_->next_client_id.fetch_add(1);
    c->client.authed = pass.empty();
    c->client.created_ms = NowMs();
    if (is_unix) {
      c->client.addr = "/unix:0";
      c->client.laddr = s_->settings.unixsocket + ":0";
    } else {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      auto* in = reinterpret_cast<sockaddr_in*>(&ss);
      char ip[INET_ADDRSTRLEN] = "?";
      inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
      c->client.addr = std::string(ip) + ":" + std::to_string(ntohs(in->sin_port));
      c->client.laddr = s_->settings.bind + ":" + std::to_string(s_->settings.port);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
    {
      std::lock_guard<std::mutex> l(s_->mu);
      s_->clients[c->client.id] = &c->client;
    }
    s_->connected_clients.fetch_add(1);
    conns_[fd] = std::move(c);
  }
}

void Loop::UpdateEvents(Conn* c) {
  bool want_read = !c->closing && !c->busy && c->out.size() - c->out_pos < kOutputSoftLimit;
  bool want_write = c->out_pos < c->out.size();
  if (want_read == c->reading && want_write == c->want_write) return;
  c->reading = want_read;
  c->want_write = want_write;
  epoll_event ev{};
  ev.events = (want_read ? uint32_t{EPOLLIN} : 0u) | (want_write ? uint32_t{EPOLLOUT} : 0u);
  ev.data.fd = c->fd;
  epoll_ctl(ep_, EPOLL_CTL_MOD, c->fd, &ev);
}

void Loop::Close(Conn* c) {
  if (c->busy) {
    c->dead = true;
    return;
  }
  {
    std::lock_guard<std::mutex> l(s_->mu);
    s_->clients.erase(c->client.id);
  }
  s_->connected_clients.fetch_sub(1);
  epoll_ctl(ep_, EPOLL_CTL_DEL, c->fd, nullptr);
  close(c->fd);
  conns_.erase(c->fd);
}

void Loop::OnReadable(Conn* c) {
  int64_t qlimit;
  {
    std::lock_guard<std::mutex> l(s_->mu);
    qlimit = s_->settings.client_query_buffer_limit;
  }
  for (int i = 0; i < kMaxReadsPerEvent; i++) {
    size_t old = c->in.size();
    c->in.resize(old + kReadChunk);
    ssize_t n = read(c->fd, c->in.data() + old, kReadChunk);
    c->in.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      c->dead = true;
      break;
    }
    if (n < 0) break;
    if (static_cast<int64_t>(c->in.size()) > qlimit) {
      ReplyWriter(&c->out).Error("ERR Protocol error: query buffer limit exceeded (" +
                                 std::to_string(qlimit) + " bytes)");
      c->in.clear();
      c->closing = true;
      break;
    }
    if (static_cast<size_t>(n) < kReadChunk) break;
  }
  if (c->dead && !c->busy) return Close(c);
  Dispatch(c);
}

void Loop::Dispatch(Conn* c) {
  if (c->busy || c->closing || c->dead) {
    Flush(c);
    return;
  }
  if (c->out.size() - c->out_pos >= kOutputSoftLimit) {
    Flush(c);
    return;
  }
  c->job.clear();
  size_t pos = 0;
  std::vector<std::string> args;
  std::string err;
  while (c->job.size() < kMaxCommandsPerJob && pos < c->in.size()) {
    size_t used = 0;
    auto r = c->parser.Parse(std::string_view(c->in).substr(pos), &used, &args, &err);
    pos += used;
    if (r == RespParser::Result::kCommand) {
      c->job.push_back(std::move(args));
    } else if (r == RespParser::Result::kError) {
      c->pending_error = err;
      c->in.clear();
      pos = 0;
      break;
    } else if (used == 0) {
      break;
    }
  }
  c->in.erase(0, pos);
  if (!c->job.empty()) {
    c->busy = true;
    {
      std::lock_guard<std::mutex> l(mu_);
      queue_.push_back(c);
    }
    cv_.notify_one();
  } else if (!c->pending_error.empty()) {
    ReplyWriter(&c->out).Error(c->pending_error);
    c->pending_error.clear();
    c->closing = true;
  }
  Flush(c);
}

void Loop::Flush(Conn* c) {
  while (c->out_pos < c->out.size()) {
    ssize_t n = write(c->fd, c->out.data() + c->out_pos, c->out.size() - c->out_pos);
    if (n > 0) {
      c->out_pos += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    c->dead = true;
    break;
  }
  if (c->out_pos == c->out.size()) {
    c->out.clear();
    c->out_pos = 0;
  } else if (c->out_pos > (1 << 20)) {
    c->out.erase(0, c->out_pos);
    c->out_pos = 0;
  }
  int64_t olimit;
  {
    std::lock_guard<std::mutex> l(s_->mu);
    olimit = s_->settings.client_output_buffer_limit;
  }
  if (static_cast<int64_t>(c->out.size() - c->out_pos) > olimit) {
    std::fprintf(stderr, "lsmdb-server: closing client id=%lld: output buffer over %lld bytes\n",
                 static_cast<long long>(c->client.id), static_cast<long long>(olimit));
    c->dead = true;
  }
  if (c->dead || (c->closing && c->out.empty())) return Close(c);
  UpdateEvents(c);
}

void Loop::OnJobsDone() {
  uint64_t v;
  ssize_t r = read(efd_, &v, sizeof(v));
  (void)r;
  std::vector<Conn*> done;
  {
    std::lock_guard<std::mutex> l(mu_);
    done.swap(done_);
  }
  for (Conn* c : done) {
    c->busy = false;
    c->out.append(c->job_out);
    c->job_out.clear();
    if (c->client.shutdown_requested) s_->shutdown.store(true);
    if (c->client.close_after_reply) {
      c->closing = true;
    } else if (!c->pending_error.empty()) {
      ReplyWriter(&c->out).Error(c->pending_error);
      c->pending_error.clear();
      c->closing = true;
    }
    if (c->dead) {
      Close(c);
      continue;
    }
    Dispatch(c);
  }
}

void Loop::Worker() {
  while (true) {
    Conn* c;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_workers_ || !queue_.empty(); });
      if (queue_.empty()) return;
      c = queue_.front();
      queue_.pop_front();
    }
    for (auto& argv : c->job) {
      if (c->client.close_after_reply) break;
      Execute(s_, &c->client, argv, &c->job_out);
    }
    c->job.clear();
    {
      std::lock_guard<std::mutex> l(mu_);
      done_.push_back(c);
    }
    uint64_t one = 1;
    ssize_t w = write(efd_, &one, sizeof(one));
    (void)w;
  }
}

void Loop::FsyncThread() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_workers_) {
    fsync_cv_.wait_for(l, std::chrono::seconds(1));
    if (stop_workers_) break;
    if (s_->store->policy() == FsyncPolicy::kEverysec && s_->store->Dirty()) {
      l.unlock();
      Status s = s_->store->SyncLog();
      if (!s.ok()) std::fprintf(stderr, "lsmdb-server: fsync: %s\n", s.ToString().c_str());
      l.lock();
    }
  }
}

int Loop::Run() {
  if (!Setup()) return 1;
  int n = std::max(1, s_->settings.workers);
  for (int i = 0; i < n; i++) workers_.emplace_back([this] { Worker(); });
  fsync_thread_ = std::thread([this] { FsyncThread(); });
  std::fprintf(stderr, "lsmdb-server: ready on %s:%d%s%s\n", s_->settings.bind.c_str(),
               s_->settings.port, s_->settings.unixsocket.empty() ? "" : " and ",
               s_->settings.unixsocket.c_str());
  epoll_event events[256];
  while (!s_->shutdown.load()) {
    int k = epoll_wait(ep_, events, 256, 1000);
    for (int i = 0; i < k; i++) {
      int fd = events[i].data.fd;
      if (fd == tcp_) {
        Accept(tcp_, false);
      } else if (fd == unix_) {
        Accept(unix_, true);
      } else if (fd == efd_) {
        OnJobsDone();
      } else if (fd == sfd_) {
        signalfd_siginfo si;
        while (read(sfd_, &si, sizeof(si)) == sizeof(si)) s_->shutdown.store(true);
      } else {
        auto it = conns_.find(fd);
        if (it == conns_.end()) continue;
        Conn* c = it->second.get();
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
          OnReadable(c);
        } else if (events[i].events & EPOLLOUT) {
          Flush(c);
        }
      }
    }
  }
  // Shut down: no new connections; let running jobs finish, then stop the workers.
  if (tcp_ >= 0) close(tcp_);
  if (unix_ >= 0) {
    close(unix_);
    unlink(s_->settings.unixsocket.c_str());
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_workers_ = true;
  }
  cv_.notify_all();
  fsync_cv_.notify_all();
  for (auto& t : workers_) t.join();
  fsync_thread_.join();
  {
    std::lock_guard<std::mutex> l(mu_);
    for (Conn* c : done_) {
      c->busy = false;
      c->out.append(c->job_out);
    }
    done_.clear();
  }
  for (auto& [fd, c] : conns_) {
    ssize_t w = write(fd, c->out.data() + c->out_pos, c->out.size() - c->out_pos);
    (void)w;
    close(fd);
  }
  conns_.clear();
  {
    std::lock_guard<std::mutex> l(s_->mu);
    s_->clients.clear();
  }
  close(ep_);
  close(efd_);
  close(sfd_);
  return 0;
}

}  // namespace

void BlockShutdownSignals() {
  signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
}

int RunServer(ServerState* server) {
  Loop loop(server);
  return loop.Run();
}

}  // namespace lsmdb::server
