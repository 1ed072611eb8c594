#include "net/audit_log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace persona::net {

namespace {

/// Opens `path` for appending, creating it (and its missing parent
/// directory, 0700) owner-only; -1 with errno on failure.
int open_append(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0)
    if (::mkdir(path.substr(0, slash).c_str(), 0700) != 0 && errno != EEXIST)
      return -1;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  // A file left readable by others (created by hand, or by an older
  // version) is narrowed to its owner.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0)
    ::fchmod(fd, 0600);
  return fd;
}

uint64_t size_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
}

uint64_t count_lines(const std::string& text, size_t from, size_t to) {
  return static_cast<uint64_t>(std::count(text.begin() + from, text.begin() + to, '\n'));
}

}  // namespace

result<std::unique_ptr<audit_log>> audit_log::open(audit_log_options options, report_fn report) {
  int fd = open_append(options.path);
  if (fd < 0)
    return status{error_code::bad_request, "cannot open the audit log " + options.path + ": " +
                                               std::strerror(errno) +
                                               "; give --audit-log a writable file, or --audit-log=off"};
  uint64_t size = size_of(fd);
  return std::unique_ptr<audit_log>(new audit_log(std::move(options), std::move(report), fd, size));
}

audit_log::audit_log(audit_log_options options, report_fn report, int fd, uint64_t size)
    : options_(std::move(options)),
      report_(std::move(report)),
      fd_(fd),
      size_(size),
      last_sync_(std::chrono::steady_clock::now()) {
  writer_ = std::thread([this] { run(); });
}

audit_log::~audit_log() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  writer_.join();
  if (fd_ >= 0)
    ::close(fd_);
}

void audit_log::append(std::string_view line) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (queue_.size() + line.size() > options_.max_queue_bytes) {
      counters_.lines_dropped.fetch_add(1, std::memory_order_relaxed);
      queue_drops_ += 1;
      return;
    }
    bool was_empty = queue_.empty();
    bool was_small = queue_.size() < options_.batch_bytes;
    queue_.append(line);
    // The writer is woken to start a batch, and again when the batch is big.
    if (!was_empty && (!was_small || queue_.size() < options_.batch_bytes))
      return;
  }
  wake_.notify_one();
}

void audit_log::flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  uint64_t mine = ++flushes_wanted_;
  wake_.notify_one();
  done_.wait(lock, [&] { return flushes_done_ >= mine; });
}

void audit_log::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (queue_.empty() && !stop_ && flushes_done_ == flushes_wanted_ && queue_drops_ == 0) {
      if (dirty_)
        wake_.wait_until(lock, last_sync_ + options_.fsync_interval);
      else
        wake_.wait(lock);
    }
    // Let a batch gather, so that a busy node wakes the writer and calls
    // write() a few hundred times a second, not once a line.
    wake_.wait_for(lock, options_.batch_delay, [this] {
      return stop_ || flushes_done_ != flushes_wanted_ || queue_.size() >= options_.batch_bytes;
    });
    std::string batch;
    batch.swap(queue_);
    uint64_t flushes = flushes_wanted_;
    uint64_t drops = queue_drops_;
    queue_drops_ = 0;
    bool stopping = stop_;
    lock.unlock();

    if (!batch.empty())
      write_lines(batch);
    if (drops > 0)
      fail("the queue of lines waiting for the writer is full (raise --audit-queue-bytes)", 0, false);
    auto now = std::chrono::steady_clock::now();
    if (dirty_ && (stopping || flushes > flushes_done_ || now - last_sync_ >= options_.fsync_interval))
      sync();

    lock.lock();
    flushes_done_ = flushes;
    done_.notify_all();
    if (stopping && queue_.empty())
      return;
  }
}

void audit_log::write_lines(const std::string& batch) {
  const uint64_t max = options_.max_bytes == 0 ? UINT64_MAX : options_.max_bytes;
  size_t pos = 0;
  while (pos < batch.size()) {
    // The whole lines that still fit in the file.
    uint64_t room = size_ < max ? max - size_ : 0;
    size_t end = pos;
    while (end < batch.size()) {
      size_t next = batch.find('\n', end) + 1;
      if (next - pos > room)
        break;
      end = next;
    }
    if (end == pos) {
      if (size_ > 0) {
        if (!rotate())
          return fail(std::string("rotation failed: ") + std::strerror(errno),
                      count_lines(batch, pos, batch.size()), true);
        continue;
      }
      end = batch.find('\n', pos) + 1;  // a line longer than the bound goes alone
    }
    uint64_t lines = count_lines(batch, pos, end);
    if (!write_all(batch.data() + pos, end - pos))
      return fail(std::string("write failed: ") + std::strerror(errno), count_lines(batch, pos, batch.size()),
                  true);
    counters_.lines.fetch_add(lines, std::memory_order_relaxed);
    counters_.bytes.fetch_add(end - pos, std::memory_order_relaxed);
    pos = end;
  }
}

bool audit_log::write_all(const char* data, size_t size) {
  if (fd_ < 0) {
    fd_ = open_append(options_.path);
    if (fd_ < 0)
      return false;
    size_ = size_of(fd_);
  }
  if (cut_line_) {
    // End the line a failed write cut, so the next line stands alone.
    if (::write(fd_, "\n", 1) != 1)
      return false;
    cut_line_ = false;
    size_ += 1;
  }
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::write(fd_, data + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      cut_line_ = done > 0;
      return false;
    }
    done += static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
    dirty_ = true;
  }
  return true;
}

bool audit_log::rotate() {
  if (dirty_)
    sync();
  ::close(fd_);
  fd_ = -1;
  const auto& path = options_.path;
  if (options_.keep == 0) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return false;
  } else {
    // FILE.(keep-1) -> FILE.keep (replacing the oldest), ..., FILE -> FILE.1.
    for (size_t i = options_.keep; i >= 1; --i) {
      std::string from = i == 1 ? path : path + "." + std::to_string(i - 1);
      std::string to = path + "." + std::to_string(i);
      if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
        return false;
    }
  }
  counters_.rotations.fetch_add(1, std::memory_order_relaxed);
  fd_ = open_append(path);
  if (fd_ < 0)
    return false;
  size_ = size_of(fd_);
  cut_line_ = false;
  return true;
}

void audit_log::sync() {
  if (fd_ >= 0 && ::fdatasync(fd_) != 0 && errno != EINVAL)
    fail(std::string("fdatasync failed: ") + std::strerror(errno), 0, true);
  dirty_ = false;
  last_sync_ = std::chrono::steady_clock::now();
}

void audit_log::fail(const std::string& what, uint64_t lines_lost, bool write_failure) {
  if (write_failure)
    counters_.write_failures.fetch_add(1, std::memory_order_relaxed);
  counters_.lines_dropped.fetch_add(lines_lost, std::memory_order_relaxed);
  // Loud, but at most one report a minute.
  auto now = std::chrono::steady_clock::now();
  if (last_report_ != std::chrono::steady_clock::time_point{} && now - last_report_ < std::chrono::minutes(1))
    return;
  last_report_ = now;
  if (report_)
    report_("audit log " + options_.path + ": " + what + "; " +
            std::to_string(counters_.lines_dropped.load()) +
            " audit line(s) lost since start (stats audit.lines_dropped); calls are still answered");
}

}  // namespace persona::net
